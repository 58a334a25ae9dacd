"""Trade statistics from DataMéxico, CEPII BACI and UN Comtrade files, streamed into TradeFlow.

Each format's reader turns file lines into lines of TradeFlow columns in COPY text format,
validating as it goes; storage.write_rows streams them into the dataset's partition with
PostgreSQL COPY (batched inserts on SQLite), so memory stays flat in the file size. The whole
import is one transaction: the first bad row rejects the file.

How flows are stored:
- DataMéxico: reporter MEX with its state, partner country, flow M or X, monthly.
- BACI (reconciled bilateral flows, exporter i -> importer j): stored as imports reported by
  j from i (reporter j, partner i, flow M), yearly; exports of i are read as the mirror.
- UN Comtrade: as reported (reporter, partner, M or X); partner World is "WLD". Re-exports and
  re-imports are skipped and counted.
- CEPII BACI via OEC by HS chapter (oec_hs2): each country's trade with the world by chapter,
  yearly: reporter the country, partner "WLD", flow X or M, HS code the 2-digit chapter.
"""

import contextlib
import fcntl
import operator
import os
import re
import signal
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Pipe
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from companies.regions import Region
from opportunities.reference.models import HSCode
from opportunities.trade import countries, storage
from opportunities.trade.models import TradeDataset
from opportunities.trade.rowkeys import RowKeys
from tradeportal import pagecache
from tradeportal.importing import (
    ImportRejected,
    Progress,
    csv_header,
    not_utf8,
    quiet,
    read_csv,
    shown,
)

FORMATS = ("datamexico", "baci", "comtrade", "oec_hs2")
# The dataset source of a format, where its name differs.
FORMAT_SOURCES = {"oec_hs2": "baci_oec"}
# What the slower readers write, one line per row; BACI writes fewer columns (the others get
# their database defaults).
COLUMNS = (
    "id",
    "reporter",
    "region_id",
    "partner",
    "flow",
    "hs_code_id",
    "year",
    "month",
    "value_usd",
    "quantity",
    "quantity_unit",
    "label",
)
# A row's key for the repeat check (rowkeys): every column _line writes but the numbers.
ROW_KEY = operator.itemgetter(
    *(n for n, name in enumerate(COLUMNS[1:]) if name not in ("value_usd", "quantity"))
)
BACI_COLUMNS = (
    "id",
    "reporter",
    "partner",
    "flow",
    "hs_code_id",
    "year",
    "value_usd",
    "quantity",
    "quantity_unit",
)
# Files from this size on PostgreSQL are read in a process of their own, which feeds the COPY
# (below it a process costs more than it saves, and the small files of the tests stay simple).
PRODUCER_MIN_BYTES = 4 << 20
PIPE_BYTES = 1 << 20  # the pipe's buffer: Linux's most for an unprivileged process
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
NULL = "\\N"
NO_QUANTITY = frozenset(["", "NA", "NaN"])


@dataclass
class ReadContext:
    """What a reader needs to validate rows, and what it reports back."""

    path: Path
    hs_codes: set[str]
    regions: dict[str, str]  # INEGI state code -> ISO 3166-2
    first_id: int = 0  # the id of the dataset's first row (storage.first_id)
    rows: int = 0  # rows written so far
    years: set[int] = field(default_factory=set)
    skipped: int = 0  # rows skipped on purpose (re-exports)
    # Lines that gave no row: skipped rows, blank lines, the first lines of a quoted multi-line
    # field; a row is numbered by its last line, as the csv module does.
    rowless_lines: list[int] = field(default_factory=list)
    last_line: int = 1
    mapped_to_heading: int = 0
    # What the rows cover, filled by the readers that can tell cheaply (not the BACI hot loop).
    reporters: dict[str, set[str]] = field(default_factory=dict)  # flow -> reporters
    months: set[int] = field(default_factory=set)  # yyyymm
    regions_seen: set[str] = field(default_factory=set)
    keys: RowKeys = field(default_factory=RowKeys)  # what tells whether two rows may repeat

    def coverage(self) -> dict:
        covered: dict = {}
        if self.reporters:
            covered["reporters"] = {flow: len(codes) for flow, codes in self.reporters.items()}
        if self.months:
            covered["months"] = sorted(self.months)
        if self.regions_seen:
            covered["regions"] = sorted(self.regions_seen)
        return covered

    def skip(self, line: int) -> None:
        self.skipped += 1
        self.reached(line)
        self.rowless_lines.append(line)

    def reached(self, line: int) -> None:
        """Note that a row ends on `line`: the lines since the last row gave none."""
        self.rowless_lines.extend(range(self.last_line + 1, line))
        self.last_line = line

    def file_line(self, row_number: int) -> int:
        """The file line of the n-th row written (the header is line 1; rowless lines count)."""
        line = row_number + 1
        for rowless in self.rowless_lines:
            if rowless <= line:
                line += 1
        return line

    def hs(self, code: str, line: int) -> str:
        code = code.strip()
        if len(code) in (1, 3, 5) and _digits(code):
            code = "0" + code  # leading zero lost by a spreadsheet or an integer column
        if code in self.hs_codes:
            return code
        if len(code) == 6 and code[:4] in self.hs_codes:
            self.mapped_to_heading += 1  # a code of an older HS edition: keep it at its heading
            return code[:4]
        raise ImportRejected(self.path, line, _("unknown HS code %(code)r") % {"code": shown(code)})

    def number(self, value: str, line: int, what: str) -> str:
        value = value.strip()
        if not NUMBER.fullmatch(value):
            raise ImportRejected(
                self.path,
                line,
                _("%(what)s is not a number: %(value)r") % {"what": what, "value": shown(value)},
            )
        return value

    def year(self, value: str, line: int) -> int:
        if not (_digits(value) and 1988 <= int(value) <= 2100):
            raise ImportRejected(self.path, line, _("bad year %(value)r") % {"value": shown(value)})
        year = int(value)
        self.years.add(year)
        return year


def read_baci(ctx: ReadContext) -> Iterator[str]:
    """CEPII BACI: t,i,j,k,v,q with v in thousands of US dollars and q in tonnes.

    The hot loop of large imports, so it works a megabyte of lines at a time: one split, a few
    lookups and the hash of the row's flow (year, countries, product: rowkeys) a line, and one
    string per chunk. Values and quantities are checked by PostgreSQL's COPY (numeric input),
    whose error names the line.
    """
    codes = countries.baci_codes()
    hs_codes = ctx.hs_codes
    to_line = 2 - ctx.first_id  # the first row (line 2) gets the dataset's first id
    with ctx.path.open(encoding="utf-8-sig") as handle:
        try:
            header = handle.readline().replace(" ", "").strip()
            if header != "t,i,j,k,v,q":
                raise ImportRejected(ctx.path, 1, _("expected the BACI header t,i,j,k,v,q"))
            next_id, years = ctx.first_id, set()
            buckets, mask = ctx.keys.buckets, len(ctx.keys.buckets) - 1
            for block in _blocks(handle):
                out: list[str] = []
                append = out.append
                lines = block.split("\n")
                if not lines[-1]:
                    lines.pop()
                if "\\" in block or "\t" in block:
                    raise _baci_escape_rejection(ctx, lines, next_id + to_line)
                for row_id, text in enumerate(lines, next_id):
                    try:
                        t, i, j, k, v, q = text.split(",")
                        exporter, importer = codes[i], codes[j]
                    except (ValueError, KeyError):
                        raise _baci_rejection(ctx, text, row_id + to_line) from None
                    if t not in years:
                        if str(ctx.year(t, row_id + to_line)) != t:
                            ctx.keys.unsure()  # "02024" is stored as 2024: keys can't tell
                        years.add(t)
                    if k not in hs_codes:
                        k = ctx.hs(k, row_id + to_line)
                    key = hash((t, importer, exporter, k))
                    buckets[key & mask].append(key)
                    if q in NO_QUANTITY:
                        append(f"{row_id}\t{importer}\t{exporter}\tM\t{k}\t{t}\t{v}e3\t\\N\t\n")
                    else:
                        append(f"{row_id}\t{importer}\t{exporter}\tM\t{k}\t{t}\t{v}e3\t{q}\tt\n")
                next_id += len(out)
                ctx.rows = next_id - ctx.first_id
                ctx.keys.added(len(out))
                yield "".join(out)
        except UnicodeDecodeError:
            raise not_utf8(ctx.path) from None


def _blocks(handle) -> Iterator[str]:
    """Yield about a megabyte of whole lines at a time, without quotes or spaces."""
    while block := handle.read(1 << 20):
        block += handle.readline()
        if '"' in block or " " in block:
            block = block.replace('"', "").replace(" ", "")
        yield block


def _baci_escape_rejection(ctx: ReadContext, lines: list[str], first_line: int) -> ImportRejected:
    """A tab or a backslash would be read by COPY as a separator or an escape: refuse it."""
    line = next(n for n, text in enumerate(lines, first_line) if "\\" in text or "\t" in text)
    return ImportRejected(ctx.path, line, _("a tab or a backslash is not allowed in a BACI row"))


def _baci_rejection(ctx: ReadContext, text: str, line: int) -> ImportRejected:
    parts = text.split(",")
    if len(parts) != 6:
        return ImportRejected(
            ctx.path, line, _("expected 6 columns, found %(n)s") % {"n": len(parts)}
        )
    code = next(c for c in parts[1:3] if c not in countries.baci_codes())
    return ImportRejected(
        ctx.path, line, _("unknown country code %(code)r") % {"code": shown(code)}
    )


def _line(ctx: ReadContext, *fields) -> str:
    """One row of COLUMNS in COPY text format, numbered after the rows before it."""
    ctx.rows += 1
    ctx.keys.add(ROW_KEY(fields))
    values = (ctx.first_id + ctx.rows - 1, *fields)
    return "\t".join(NULL if value is None else str(value) for value in values) + "\n"


def _digits(value: str) -> bool:
    """ASCII digits only ("²" and other Unicode digits are not numbers to int() or COPY)."""
    return value.isascii() and value.isdigit()


def _country(ctx: ReadContext, code: str, line: int) -> str:
    code = code.strip().upper()
    if code not in countries.alpha3_codes():
        raise ImportRejected(
            ctx.path, line, _("unknown country code %(code)r") % {"code": shown(code)}
        )
    return code


def read_datamexico(ctx: ReadContext) -> Iterator[str]:
    """DataMéxico state exports: Month ID, State ID, HS6 ID (section + 6 digits), Flow ID, ..."""
    flows = {"1": "M", "2": "X"}
    required = ["Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID", "Trade Value"]
    for line, row in read_csv(ctx.path, required):
        ctx.reached(line)
        month_id = row["Month ID"].strip()
        if not (len(month_id) == 6 and _digits(month_id) and 1 <= int(month_id[4:]) <= 12):
            raise ImportRejected(
                ctx.path, line, _("bad month %(value)r") % {"value": shown(month_id)}
            )
        region = ctx.regions.get(row["State ID"].strip().zfill(2))
        if region is None:
            raise ImportRejected(
                ctx.path, line, _("unknown state %(value)r") % {"value": shown(row["State ID"])}
            )
        hs6 = row["HS6 ID"].strip()
        if not _digits(hs6) or len(hs6) not in (7, 8):
            raise ImportRejected(ctx.path, line, _("bad HS6 ID %(value)r") % {"value": shown(hs6)})
        flow = flows.get(row["Flow ID"].strip())
        if flow is None:
            raise ImportRejected(
                ctx.path, line, _("unknown flow %(value)r") % {"value": shown(row["Flow ID"])}
            )
        partner = _country(ctx, row["Country ID"], line)
        value = ctx.number(row["Trade Value"], line, _("value"))
        year = ctx.year(month_id[:4], line)
        ctx.months.add(int(month_id))
        ctx.regions_seen.add(region)
        hs = ctx.hs(hs6[-6:], line)
        month = int(month_id[4:])
        yield _line(ctx, "MEX", region, partner, flow, hs, year, month, value, None, "", "")


COMTRADE_ALIASES = {
    "year": ["refYear", "Year"],
    "period": ["period", "Period"],
    "reporter": ["reporterISO", "Reporter ISO"],
    "partner": ["partnerISO", "Partner ISO"],
    "flow": ["flowCode", "Trade Flow Code", "TradeFlow Code"],
    "code": ["cmdCode", "Commodity Code"],
    "value": ["primaryValue", "Trade Value (US$)", "TradeValueUS"],
    "quantity": ["qty", "Qty"],
    "unit": ["qtyUnitAbbr", "Qty Unit"],
}
COMTRADE_FLOWS = {"M": "M", "X": "X", "1": "M", "2": "X"}
COMTRADE_SKIPPED_FLOWS = {"RM", "RX", "3", "4", "MIP", "XIP", "MOP", "XOP", "DX", "FM"}
UNIT_TEXT = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters and backslashes


def read_comtrade(ctx: ReadContext) -> Iterator[str]:
    """UN Comtrade CSV (Comtrade Plus or legacy columns), annual or monthly."""
    fields = csv_header(ctx.path)
    names = {
        key: next((a for a in aliases if a in fields), None)
        for key, aliases in COMTRADE_ALIASES.items()
    }
    missing = [k for k, v in names.items() if v is None and k not in ("quantity", "unit")]
    if missing:
        raise ImportRejected(
            ctx.path, 1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
        )
    for line, row in read_csv(ctx.path, []):
        flow_code = row[names["flow"]].strip()
        if flow_code in COMTRADE_SKIPPED_FLOWS:
            ctx.skip(line)
            continue
        ctx.reached(line)
        flow = COMTRADE_FLOWS.get(flow_code)
        if flow is None:
            raise ImportRejected(
                ctx.path, line, _("unknown flow %(value)r") % {"value": shown(flow_code)}
            )
        yield _comtrade_line(ctx, row, names, flow, line)


def _comtrade_line(ctx: ReadContext, row: dict, names: dict, flow: str, line: int) -> str:
    reporter = _country(ctx, row[names["reporter"]], line)
    partner = row[names["partner"]].strip().upper()
    partner = "WLD" if partner in ("W00", "WLD") else _country(ctx, partner, line)
    code = row[names["code"]].strip()
    hs = None if code.upper() == "TOTAL" else ctx.hs(code, line)
    year = ctx.year(row[names["year"]].strip(), line)
    month = _comtrade_month(ctx, row[names["period"]].strip(), year, line)
    quantity = (row.get(names["quantity"] or "") or "").strip()
    quantity = None if quantity in ("", "NA") else ctx.number(quantity, line, _("quantity"))
    unit = (row.get(names["unit"] or "") or "").strip() if quantity is not None else ""
    unit = UNIT_TEXT.sub("", unit)[:12]
    value = ctx.number(row[names["value"]], line, _("value"))
    return _line(ctx, reporter, None, partner, flow, hs, year, month, value, quantity, unit, "")


OEC_FLOWS = {"export": "X", "import": "M"}


def read_oec_hs2(ctx: ReadContext) -> Iterator[str]:
    """CEPII BACI via OEC by chapter: year, flow (export|import), country_iso3, hs2, value_usd."""
    required = ["year", "flow", "country_iso3", "hs2", "value_usd"]
    for line, row in read_csv(ctx.path, required):
        flow = OEC_FLOWS.get(row["flow"].strip().lower())
        if flow is None:
            raise ImportRejected(
                ctx.path, line, _("unknown flow %(value)r") % {"value": row["flow"]}
            )
        reporter = row["country_iso3"].strip().upper()
        if not (len(reporter) == 3 and reporter.isalpha()):
            raise ImportRejected(
                ctx.path, line, _("unknown country code %(code)r") % {"code": reporter}
            )
        chapter = row["hs2"].strip().zfill(2)
        if len(chapter) != 2:
            raise ImportRejected(ctx.path, line, _("unknown HS code %(code)r") % {"code": chapter})
        year = ctx.year(row["year"].strip(), line)
        value = ctx.number(row["value_usd"], line, _("value"))
        ctx.reporters.setdefault(flow, set()).add(reporter)
        yield _line(
            ctx, reporter, None, "WLD", flow, ctx.hs(chapter, line), year, None, value, None, "", ""
        )


def _comtrade_month(ctx: ReadContext, period: str, year: int, line: int) -> int | None:
    """The month of a monthly period (YYYYMM), None for a year; a period of another year or
    month 13 rejects the file."""
    if period == str(year):
        return None
    if len(period) == 6 and _digits(period) and period[:4] == str(year):
        month = int(period[4:])
        if 1 <= month <= 12:
            return month
    raise ImportRejected(ctx.path, line, _("bad period %(value)r") % {"value": shown(period)})


READERS = {
    "baci": (read_baci, BACI_COLUMNS),
    "datamexico": (read_datamexico, COLUMNS),
    "comtrade": (read_comtrade, COLUMNS),
    "oec_hs2": (read_oec_hs2, COLUMNS),
}


def import_trade_file(
    *,
    path: Path,
    fmt: str,
    name: str | None = None,
    version: str = "",
    source: str | None = None,
    is_synthetic: bool = False,
    progress: Progress = quiet,
    provenance: dict | None = None,
):
    """Import one trade file as a dataset, replacing an earlier import of the same name.

    Market demand is not regenerated here: the entry points call
    `opportunities.matching.services.import_trade_file`, which schedules it after the commit.
    `provenance` sets the dataset's source_url, licence, fetched_at and coverage (the readers
    fill in what they see of the coverage).
    """

    if fmt not in READERS:
        raise ImportRejected(path, None, _("unknown format %(fmt)r") % {"fmt": fmt})
    path = Path(path)
    if not path.is_file():
        raise ImportRejected(path, None, _("file not found"))
    ctx = ReadContext(
        path=path,
        hs_codes=set(HSCode.objects.values_list("code", flat=True)),
        regions=dict(Region.objects.filter(country="MX").values_list("national_code", "code")),
    )
    if not ctx.hs_codes:
        raise ImportRejected(path, None, _("load the HS nomenclature first (import_hs)"))
    started = time.perf_counter()
    with transaction.atomic():
        dataset, _created = TradeDataset.objects.update_or_create(
            source=source or FORMAT_SOURCES.get(fmt, fmt),
            name=name or path.name,
            defaults={"version": version, "is_synthetic": is_synthetic, **(provenance or {})},
        )
        read, columns = READERS[fmt]
        ctx.first_id = storage.first_id(dataset.pk)
        parallel = connection.vendor == "postgresql" and path.stat().st_size >= PRODUCER_MIN_BYTES
        with ReaderProcess(read, ctx) if parallel else InProcess(read, ctx) as reader:
            count = storage.write_rows(
                dataset_id=dataset.pk,
                chunks=reader.chunks(),
                may_repeat=reader.may_repeat,
                columns=columns,
                ctx=ctx,
                progress=progress,
            )
        if not count:
            raise ImportRejected(path, None, _("no rows to import (only a header)"))
        dataset.rows = count
        dataset.period_start = min(ctx.years, default=None)
        dataset.period_end = max(ctx.years, default=None)
        dataset.coverage = {**(provenance or {}).get("coverage", {}), **ctx.coverage()}
        dataset.save(
            update_fields=["rows", "period_start", "period_end", "imported_at", "coverage"]
        )
        pagecache.public_pages_changed(pagecache.TRADE)
    progress(
        _(
            "%(name)s: %(count)s rows imported in %(seconds).2f s, %(skipped)s skipped, "
            "%(mapped)s older codes kept at their heading"
        )
        % {
            "name": dataset.name,
            "count": f"{count:,}",
            "seconds": time.perf_counter() - started,
            "skipped": ctx.skipped,
            "mapped": ctx.mapped_to_heading,
        }
    )
    return dataset


class InProcess:
    """The reader `read(ctx)` run here, for small files and SQLite (see ReaderProcess)."""

    def __init__(self, read, ctx: ReadContext) -> None:
        self.read, self.ctx = read, ctx

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.ctx.keys.close()

    def chunks(self) -> Iterator[str]:
        return self.read(self.ctx)

    def may_repeat(self) -> bool:
        return self.ctx.keys.may_repeat()


class ReaderProcess:
    """The reader `read(ctx)` run in a child process (forked: it has the context already),
    which reads on while this process relays what it read to the database's COPY: parsing and
    COPY overlap on two cores, and this process only relays about a megabyte at a time.

    The child sends, before each chunk, the context's row count and the rowless lines found
    since the previous chunk (a COPY error's line number is mapped with them), at the end what
    the rows covered, and last whether two rows may repeat (rowkeys), which it works out while
    the database builds the primary key. A rejection travels back as (file, line, reason) and
    is raised here. The child never touches the database connection it inherited, and leaves
    with os._exit, so nothing of this process's state is closed or flushed twice.
    """

    def __init__(self, read, ctx: ReadContext) -> None:
        self.ctx, self.finished = ctx, False
        self.receiver, sender = Pipe(duplex=False)
        with contextlib.suppress(OSError, AttributeError):  # a chunk per write, not 16 (Linux)
            fcntl.fcntl(sender.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.pid = os.fork()
        if self.pid == 0:  # the child: read, send, leave
            self.receiver.close()
            status = 0
            try:
                _produce(read, ctx, sender)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        sender.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.receiver.close()  # a child still sending gets a broken pipe and ends
        _reap(self.pid, stop=not self.finished)

    def chunks(self) -> Iterator[bytes]:
        while True:
            message = self._receive()
            if message[0] == "done":
                for name, value in message[1].items():
                    setattr(self.ctx, name, value)
                return
            _kind, self.ctx.rows, rowless, self.ctx.last_line = message
            self.ctx.rowless_lines.extend(rowless)
            yield self.receiver.recv_bytes()

    def may_repeat(self) -> bool:
        _kind, verdict = self._receive()
        self.finished = True
        return verdict

    def _receive(self) -> tuple:
        try:
            message = self.receiver.recv()
        except EOFError:
            raise RuntimeError("the reader process ended without a word") from None
        if message[0] == "rejected":
            raise ImportRejected(*message[1:])
        if message[0] == "error":
            raise RuntimeError(f"the reader process failed:\n{message[1]}")
        return message


def _produce(read, ctx: ReadContext, sender) -> None:
    sent = 0
    try:
        try:
            for text in storage.joined(read(ctx)):
                rowless, sent = ctx.rowless_lines[sent:], len(ctx.rowless_lines)
                sender.send(("chunk", ctx.rows, rowless, ctx.last_line))
                sender.send_bytes(text.encode())
            sender.send(("done", {name: getattr(ctx, name) for name in SUMMARY}))
            sender.send(("may repeat", ctx.keys.may_repeat()))
        except ImportRejected as rejected:
            sender.send(("rejected", str(rejected.path), rejected.line, rejected.reason))
        except Exception:
            sender.send(("error", traceback.format_exc()))
    except (BrokenPipeError, OSError):
        pass  # the parent stopped listening (the COPY refused a row): nothing more to say
    finally:
        sender.close()
        ctx.keys.close()


# What a reader process reports back at the end.
SUMMARY = (
    "rows",
    "years",
    "skipped",
    "rowless_lines",
    "last_line",
    "mapped_to_heading",
    "reporters",
    "months",
    "regions_seen",
)


def _reap(pid: int, *, stop: bool) -> None:
    """Wait for the reader process to end; `stop` it first when its reading is not wanted."""
    try:
        if stop and not os.waitpid(pid, os.WNOHANG)[0]:
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass


WORLD_CHAPTERS_FILE = Path("trade_hs2") / "baci_oec_hs2_2024.csv"
WORLD_CHAPTERS_PROVENANCE = {
    "source_url": "https://oec.world/en/resources/datasets",
    "licence": "CC BY 4.0",
    "coverage": {"level": 2, "partner": "WLD"},
}


def import_world_chapters(data_dir: Path, *, progress: Progress = quiet):
    """The real 2024 trade of 136 exporting and 157 importing countries by HS chapter (CEPII
    BACI via OEC, CC BY 4.0), which the embedded default always loads. No demand to regenerate:
    chapter totals are not headings (see listings.demand.basis_datasets)."""
    return import_trade_file(
        path=Path(data_dir) / WORLD_CHAPTERS_FILE,
        fmt="oec_hs2",
        version="2024",
        progress=progress,
        provenance=WORLD_CHAPTERS_PROVENANCE,
    )
