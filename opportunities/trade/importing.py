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
"""

import csv
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from companies.regions import Region
from opportunities.reference.models import HSCode
from opportunities.trade import countries, storage
from opportunities.trade.models import TradeDataset
from tradeportal.importing import ImportRejected, Progress, quiet, read_csv

FORMATS = ("datamexico", "baci", "comtrade")
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
    skipped_lines: list[int] = field(default_factory=list)
    mapped_to_heading: int = 0

    @property
    def skipped(self) -> int:
        return len(self.skipped_lines)

    def skip(self, line: int) -> None:
        self.skipped_lines.append(line)

    def file_line(self, row_number: int) -> int:
        """The file line of the n-th row written (the header is line 1; skipped lines count)."""
        line = row_number + 1
        for skipped in self.skipped_lines:
            if skipped <= line:
                line += 1
        return line

    def hs(self, code: str, line: int) -> str:
        code = code.strip()
        if len(code) in (1, 3, 5) and code.isdigit():
            code = "0" + code  # leading zero lost by a spreadsheet or an integer column
        if code in self.hs_codes:
            return code
        if len(code) == 6 and code[:4] in self.hs_codes:
            self.mapped_to_heading += 1  # a code of an older HS edition: keep it at its heading
            return code[:4]
        raise ImportRejected(self.path, line, _("unknown HS code %(code)r") % {"code": code})

    def number(self, value: str, line: int, what: str) -> str:
        value = value.strip()
        if not NUMBER.fullmatch(value):
            raise ImportRejected(
                self.path,
                line,
                _("%(what)s is not a number: %(value)r") % {"what": what, "value": value},
            )
        return value

    def year(self, value: str, line: int) -> int:
        if not (value.isdigit() and 1988 <= int(value) <= 2100):
            raise ImportRejected(self.path, line, _("bad year %(value)r") % {"value": value})
        year = int(value)
        self.years.add(year)
        return year


def read_baci(ctx: ReadContext) -> Iterator[str]:
    """CEPII BACI: t,i,j,k,v,q with v in thousands of US dollars and q in tonnes.

    The hot loop of large imports, so it works a megabyte of lines at a time: one split and a
    few lookups a line, and one string per chunk. Values and quantities are checked by
    PostgreSQL's COPY (numeric input), whose error names the line.
    """
    codes = countries.baci_codes()
    hs_codes = ctx.hs_codes
    to_line = 2 - ctx.first_id  # the first row (line 2) gets the dataset's first id
    with ctx.path.open(encoding="utf-8-sig") as handle:
        header = handle.readline().replace(" ", "").strip()
        if header != "t,i,j,k,v,q":
            raise ImportRejected(ctx.path, 1, _("expected the BACI header t,i,j,k,v,q"))
        next_id, years = ctx.first_id, set()
        for block in _blocks(handle):
            out: list[str] = []
            append = out.append
            for row_id, text in enumerate(block.splitlines(), next_id):
                try:
                    t, i, j, k, v, q = text.split(",")
                    exporter, importer = codes[i], codes[j]
                except (ValueError, KeyError):
                    raise _baci_rejection(ctx, text, row_id + to_line) from None
                if t not in years:
                    ctx.year(t, row_id + to_line)
                    years.add(t)
                if k not in hs_codes:
                    k = ctx.hs(k, row_id + to_line)
                if q in NO_QUANTITY:
                    append(f"{row_id}\t{importer}\t{exporter}\tM\t{k}\t{t}\t{v}e3\t\\N\t\n")
                else:
                    append(f"{row_id}\t{importer}\t{exporter}\tM\t{k}\t{t}\t{v}e3\t{q}\tt\n")
            next_id += len(out)
            ctx.rows = next_id - ctx.first_id
            yield "".join(out)


def _blocks(handle) -> Iterator[str]:
    """Yield about a megabyte of whole lines at a time, without quotes or spaces."""
    while block := handle.read(1 << 20):
        block += handle.readline()
        if '"' in block or " " in block:
            block = block.replace('"', "").replace(" ", "")
        yield block


def _baci_rejection(ctx: ReadContext, text: str, line: int) -> ImportRejected:
    parts = text.split(",")
    if len(parts) != 6:
        return ImportRejected(
            ctx.path, line, _("expected 6 columns, found %(n)s") % {"n": len(parts)}
        )
    code = next(c for c in parts[1:3] if c not in countries.baci_codes())
    return ImportRejected(ctx.path, line, _("unknown country code %(code)r") % {"code": code})


def _line(ctx: ReadContext, *fields) -> str:
    """One row of COLUMNS in COPY text format, numbered after the rows before it."""
    ctx.rows += 1
    values = (ctx.first_id + ctx.rows - 1, *fields)
    return "\t".join(NULL if value is None else str(value) for value in values) + "\n"


def read_datamexico(ctx: ReadContext) -> Iterator[str]:
    """DataMéxico state exports: Month ID, State ID, HS6 ID (section + 6 digits), Flow ID, ..."""
    flows = {"1": "M", "2": "X"}
    required = ["Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID", "Trade Value"]
    for line, row in read_csv(ctx.path, required):
        month_id = row["Month ID"].strip()
        if not (len(month_id) == 6 and month_id.isdigit() and 1 <= int(month_id[4:]) <= 12):
            raise ImportRejected(ctx.path, line, _("bad month %(value)r") % {"value": month_id})
        region = ctx.regions.get(row["State ID"].strip().zfill(2))
        if region is None:
            raise ImportRejected(
                ctx.path, line, _("unknown state %(value)r") % {"value": row["State ID"]}
            )
        hs6 = row["HS6 ID"].strip()
        if not hs6.isdigit() or len(hs6) not in (7, 8):
            raise ImportRejected(ctx.path, line, _("bad HS6 ID %(value)r") % {"value": hs6})
        flow = flows.get(row["Flow ID"].strip())
        if flow is None:
            raise ImportRejected(
                ctx.path, line, _("unknown flow %(value)r") % {"value": row["Flow ID"]}
            )
        partner = row["Country ID"].strip().upper()
        if not (len(partner) == 3 and partner.isalpha()):
            raise ImportRejected(
                ctx.path, line, _("unknown country code %(code)r") % {"code": partner}
            )
        value = ctx.number(row["Trade Value"], line, _("value"))
        year = ctx.year(month_id[:4], line)
        yield _line(
            ctx,
            "MEX",
            region,
            partner,
            flow,
            ctx.hs(hs6[-6:], line),
            year,
            int(month_id[4:]),
            value,
            None,
            "",
            "",
        )


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


def read_comtrade(ctx: ReadContext) -> Iterator[str]:
    """UN Comtrade CSV (Comtrade Plus or legacy columns), annual or monthly."""
    with ctx.path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        names = {
            key: next((a for a in aliases if a in fields), None)
            for key, aliases in COMTRADE_ALIASES.items()
        }
        missing = [k for k, v in names.items() if v is None and k not in ("quantity", "unit")]
        if missing:
            raise ImportRejected(
                ctx.path, 1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
            )
        for row in reader:
            line = reader.line_num
            flow_code = row[names["flow"]].strip()
            if flow_code in COMTRADE_SKIPPED_FLOWS:
                ctx.skip(line)
                continue
            flow = COMTRADE_FLOWS.get(flow_code)
            if flow is None:
                raise ImportRejected(
                    ctx.path, line, _("unknown flow %(value)r") % {"value": flow_code}
                )
            yield _comtrade_line(ctx, row, names, flow, line)


def _comtrade_line(ctx: ReadContext, row: dict, names: dict, flow: str, line: int) -> str:
    reporter = row[names["reporter"]].strip().upper()
    partner = row[names["partner"]].strip().upper()
    partner = "WLD" if partner in ("W00", "WLD") else partner
    if not (len(reporter) == 3 and len(partner) == 3):
        code = reporter if len(reporter) != 3 else partner
        raise ImportRejected(ctx.path, line, _("unknown country code %(code)r") % {"code": code})
    code = row[names["code"]].strip()
    hs = None if code.upper() == "TOTAL" else ctx.hs(code, line)
    period = row[names["period"]].strip()
    month = int(period[4:]) if len(period) == 6 and period.isdigit() else None
    year = ctx.year(row[names["year"]].strip(), line)
    quantity = (row.get(names["quantity"] or "") or "").strip()
    quantity = None if quantity in ("", "NA") else ctx.number(quantity, line, _("quantity"))
    unit = (row.get(names["unit"] or "") or "").strip()[:12] if quantity is not None else ""
    value = ctx.number(row[names["value"]], line, _("value"))
    return _line(ctx, reporter, None, partner, flow, hs, year, month, value, quantity, unit, "")


READERS = {
    "baci": (read_baci, BACI_COLUMNS),
    "datamexico": (read_datamexico, COLUMNS),
    "comtrade": (read_comtrade, COLUMNS),
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
):
    """Import one trade file as a dataset, replacing an earlier import of the same name.

    Market demand is not regenerated here: the entry points call
    `opportunities.matching.services.import_trade_file`, which schedules it after the commit.
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
            source=source or fmt,
            name=name or path.name,
            defaults={"version": version, "is_synthetic": is_synthetic},
        )
        read, columns = READERS[fmt]
        ctx.first_id = storage.first_id(dataset.pk)
        count = storage.write_rows(
            dataset_id=dataset.pk, chunks=read(ctx), columns=columns, ctx=ctx, progress=progress
        )
        dataset.rows = count
        dataset.period_start = min(ctx.years, default=None)
        dataset.period_end = max(ctx.years, default=None)
        dataset.save(update_fields=["rows", "period_start", "period_end", "imported_at"])
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
