"""Generated trade files for the importers' property tests: valid rows of each format with at
most one fault, and what the import must answer: the rows and their total, or a refusal at a
given line whose reason contains given words.

A file is made of distinct valid rows (their values differ, so no row repeats by chance), then
one fault from FAULTS is applied at a row, and independently a UTF-8 BOM and CRLF line ends
(which must change nothing). Line numbers count the header as line 1.
"""

from dataclasses import dataclass

from hypothesis import strategies as st

HS6 = ["080610", "080620", "090111", "330510", "740311", "852852", "852859", "070200"]
STATES = [("3", "Baja California Sur"), ("9", "Ciudad de México"), ("15", "México")]
PARTNERS = [("per", "Peru", "604"), ("bel", "Belgium", "56"), ("usa", "United States", "842")]
MEGABYTE = "9" * (1 << 20)

HEADERS = {
    "datamexico": "Month ID,Month,State ID,State,HS6 ID,HS6,Flow ID,Flow,Country ID,Country,"
    "Trade Value",
    "baci": "t,i,j,k,v,q",
    "comtrade": "refYear,period,reporterISO,partnerISO,flowCode,cmdCode,cmdDesc,qtyUnitAbbr,"
    "qty,primaryValue",
}
FAULTS = [
    "none",
    "short row",
    "long row",
    "empty file",
    "header only",
    "latin-1 bytes",
    "quoted newline",
    "1 MB field",
    "thousands separator",
    "letters in a number",
    "unknown country",
    "unknown HS code",
    "duplicate row",
]


@dataclass
class Expected:
    rows: int | None = None  # imported: this many rows, worth `total` US dollars
    total: int = 0
    line: int | None = None  # refused at this line (None: the whole file)
    words: tuple[str, ...] = ()


@dataclass
class TradeFile:
    fmt: str
    fault: str
    content: bytes
    expected: Expected

    @property
    def refused(self) -> bool:
        return self.expected.rows is None


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _row(fmt: str, draw, value: int) -> list[str]:
    hs = draw(st.sampled_from(HS6))
    partner, name, number = draw(st.sampled_from(PARTNERS))
    if fmt == "datamexico":
        month = draw(st.integers(1, 12))
        state, state_name = draw(st.sampled_from(STATES))
        section = draw(st.sampled_from(["2", "4", "16"]))
        flow = draw(st.sampled_from([("1", "Imports"), ("2", "Exports")]))
        described = quote(draw(st.sampled_from(["Grapes, Fresh", "Copper", 'TV "smart"'])))
        return [
            f"2024{month:02d}", f"2024-{month:02d}", state, state_name, section + hs,
            described, *flow, partner, name, str(value),
        ]  # fmt: skip
    if fmt == "baci":
        year = draw(st.sampled_from(["2022", "2023"]))
        exporter, importer = draw(st.sampled_from([("484", number), (number, "484")]))
        k = hs.lstrip("0") if draw(st.booleans()) else hs  # BACI often loses the leading zero
        q = draw(st.sampled_from(["NA", "", "12.5", "3"]))
        return [year, exporter, importer, k, str(value), q]
    period = draw(st.sampled_from(["2024", "202403", "202411"]))
    flow = draw(st.sampled_from(["M", "X", "1", "2"]))
    unit, qty = draw(st.sampled_from([("kg", "150"), ("", ""), ("u", "NA")]))
    return ["2024", period, "MEX", partner.upper(), flow, hs, quote("Goods, various"), unit,
            qty, str(value)]  # fmt: skip


def _reasons(fmt: str) -> dict[str, tuple[str, ...]]:
    return {
        "short row": ("columns",),
        "long row": ("columns",),
        "latin-1 bytes": ("UTF-8",),
        "quoted newline": ("columns",),  # BACI only: its rows have no quoted text
        "1 MB field": ("unknown HS code",) if fmt == "baci" else ("longer than",),
        "thousands separator": ("columns",) if fmt == "baci" else ("not a number",),
        "letters in a number": ("number is not valid",) if fmt == "baci" else ("not a number",),
        "unknown country": ("unknown country code",),
        "unknown HS code": ("unknown HS code",),
        "duplicate row": ("repeats line",),
    }


VALUE = {"datamexico": 10, "baci": 4, "comtrade": 9}  # the value's column
COUNTRY = {"datamexico": 8, "baci": 2, "comtrade": 3}
HS_COLUMN = {"datamexico": 4, "baci": 3, "comtrade": 5}
TEXT = {"datamexico": 5, "comtrade": 6}  # a quoted text column


def _break(fmt: str, fault: str, rows: list[list[str]], at: int, draw) -> None:
    """Apply `fault` to rows[at] (in place)."""
    row = rows[at]
    if fault == "short row":
        del row[draw(st.integers(1, len(row) - 1)) :]
    elif fault == "long row":
        row.extend(["extra"] * draw(st.integers(1, 3)))
    elif fault == "quoted newline":
        row[TEXT.get(fmt, VALUE[fmt])] = quote(f"Line one\n{row[VALUE[fmt]]}")
    elif fault == "1 MB field":
        row[TEXT.get(fmt, HS_COLUMN[fmt])] = MEGABYTE if fmt == "baci" else quote(MEGABYTE)
    elif fault == "thousands separator":
        row[VALUE[fmt]] = quote(f"{int(row[VALUE[fmt]]):,}")
    elif fault == "letters in a number":
        row[VALUE[fmt]] += draw(st.sampled_from(["abc", "k", " USD", "x1"]))
    elif fault == "unknown country":
        row[COUNTRY[fmt]] = {"datamexico": "zzz", "baci": "999", "comtrade": "ZZZ"}[fmt]
    elif fault == "unknown HS code":
        row[HS_COLUMN[fmt]] = "16999999" if fmt == "datamexico" else "999999"
    elif fault == "duplicate row":
        rows[at] = list(rows[draw(st.integers(0, at - 1))])


@st.composite
def trade_files(draw, fmt: str) -> TradeFile:
    """A file of format `fmt` with at most one fault, and what its import must answer."""
    fault = draw(st.sampled_from(FAULTS))
    if fault == "quoted newline" and fmt != "baci":
        fault = "quoted newline (benign)"  # quoted text may span lines in a real CSV
    values = draw(st.lists(st.integers(1000, 10**9), min_size=2, max_size=8, unique=True))
    rows = [_row(fmt, draw, value) for value in values]
    at = draw(st.integers(1 if fault == "duplicate row" else 0, len(rows) - 1))
    expected = Expected(rows=len(rows), total=sum(values) * (1000 if fmt == "baci" else 1))
    if fault in _reasons(fmt) and fault != "latin-1 bytes":
        _break(fmt, fault, rows, at, draw)
        expected = Expected(line=at + 2, words=_reasons(fmt)[fault])
    elif fault == "latin-1 bytes":
        expected = Expected(line=at + 2, words=_reasons(fmt)[fault])
    elif fault == "quoted newline (benign)":
        rows[at][TEXT[fmt]] = quote("Two\nlines")
    lines = [HEADERS[fmt], *(",".join(row) for row in rows)]
    if fault == "header only":
        lines, expected = lines[:1], Expected(words=("no rows",))
    text = "\r\n".join(lines) if draw(st.booleans()) else "\n".join(lines)
    text += "\n" if draw(st.booleans()) else ""
    content = ("\ufeff" if draw(st.booleans()) else "").encode() + text.encode()
    if fault == "empty file":
        content, expected = b"", Expected(line=1, words=("header" if fmt == "baci" else "missing",))
    if fault == "latin-1 bytes":
        content = _latin1_at(content, at + 2)
    return TradeFile(fmt=fmt, fault=fault, content=content, expected=expected)


def _latin1_at(content: bytes, line: int) -> bytes:
    """Put an "é" in Latin-1 (one byte 0xE9, invalid UTF-8) at the end of line `line`."""
    lines = content.split(b"\n")
    ending = b"\r" if lines[line - 1].endswith(b"\r") else b""
    lines[line - 1] = lines[line - 1].removesuffix(b"\r") + b"\xe9" + ending
    return b"\n".join(lines)
