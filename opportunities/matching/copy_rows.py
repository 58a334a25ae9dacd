"""The row format in which store.py copies matches into PostgreSQL (COPY text format).

The JSON columns are encoded with orjson: compact, UTF-8 as it is, and for the two million
matches of a full run over ten times faster than the standard library's encoder."""

import orjson

from opportunities.matching.ranking import Found

COLUMNS = "kind, opportunity_id, counterpart_id, score, components, reasons"  # of `line`
NULL = r"\N"


def copy_text(value: str) -> str:
    """A JSON text as a COPY field: JSON escapes control characters, COPY reads backslashes."""
    return value.replace("\\", "\\\\")


def line(found: Found) -> str:
    """The COLUMNS of a found match, tab-separated, without the company id nor the line end."""
    target = str(found.target)
    return "\t".join(
        (
            found.kind,
            target if found.is_opportunity else NULL,
            NULL if found.is_opportunity else target,
            repr(found.score),
            copy_text(orjson.dumps(found.components).decode()),
            copy_text(orjson.dumps(found.reasons).decode()),
        )
    )


def lines(rows: list[tuple[int, Found]], end: str, encoded: dict[int, str]) -> str:
    """Rows of (first column, found match) as COPY text; a match shared by firms is encoded once
    (`encoded` by id of the match, kept by the caller while the matches live)."""
    parts = []
    for first, found in rows:
        text = encoded.get(id(found))
        if text is None:
            text = encoded[id(found)] = line(found)
        parts.append(f"{first}\t{text}{end}")
    return "".join(parts)
