"""What every importer shares: the rejection error, CSV reading, progress reports."""

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

Progress = Callable[[str], None]
SHOWN_CHARS = 40  # a value quoted in a rejection is cut here (a 1 MB field stays readable)


def quiet(_message: str) -> None:
    """A progress callback that says nothing."""


def shown(value: str) -> str:
    """A value quoted in a message, cut to SHOWN_CHARS."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


class ImportRejected(Exception):
    """A file was rejected whole; the message names the file, the line and the reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = Path(path), line, reason
        if line is None:
            text = _("%(file)s: %(reason)s") % {"file": self.path.name, "reason": reason}
        else:
            text = _("%(file)s, line %(line)s: %(reason)s") % {
                "file": self.path.name,
                "line": line,
                "reason": reason,
            }
        super().__init__(text)


def not_utf8(path: Path) -> ImportRejected:
    """The rejection for a file that is not UTF-8 text, naming its first such line."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return ImportRejected(
                    path, number, _("not UTF-8 text (save the file as UTF-8 CSV)")
                )
    return ImportRejected(path, None, _("not UTF-8 text (save the file as UTF-8 CSV)"))


def _csv_error(path: Path, line: int, exc: csv.Error) -> ImportRejected:
    if "field larger than field limit" in str(exc):
        limit = f"{csv.field_size_limit():,}"
        return ImportRejected(
            path, line, _("a field is longer than %(limit)s characters") % {"limit": limit}
        )
    return ImportRejected(path, line, _("not a valid CSV row (%(error)s)") % {"error": exc})


def csv_header(path: Path) -> list[str]:
    """The column names on the first line of a UTF-8 CSV (BOM tolerated)."""
    return next(read_csv(path, [], header_only=True))[1]


def read_csv(
    path: Path, required: list[str], header_only: bool = False
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV (BOM tolerated), checking the header first.

    A row with fewer or more fields than the header, a field over the csv module's limit,
    bytes that are not UTF-8 and broken quoting reject the file at their line.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected(path, None, _("cannot be read (%(error)s)") % {"error": exc}) from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, [])
            if header_only:
                yield 1, header
                return
            missing = [name for name in required if name not in header]
            if missing:
                raise ImportRejected(
                    path, 1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
                )
            for fields in reader:
                if len(fields) != len(header):
                    if not fields:
                        continue  # a blank line
                    raise ImportRejected(
                        path,
                        reader.line_num,
                        _("expected %(expected)s columns, found %(n)s")
                        % {"expected": len(header), "n": len(fields)},
                    )
                yield reader.line_num, dict(zip(header, fields, strict=True))
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except csv.Error as exc:
            raise _csv_error(path, reader.line_num, exc) from None
