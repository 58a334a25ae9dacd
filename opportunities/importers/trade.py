"""Trade statistics from DataMéxico, CEPII BACI and UN Comtrade files, streamed into TradeFlow.

Each format's reader turns file lines into rows of TradeFlow columns, validating as it goes; the
writer streams them with PostgreSQL COPY (batched inserts on SQLite), so memory stays flat in the
file size. The whole import is one transaction: the first bad row rejects the file.

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
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from opportunities.importers import countries
from opportunities.importers.common import ImportRejected, Progress, quiet, read_csv

FORMATS = ("datamexico", "baci", "comtrade")
COLUMNS = (
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
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
NULL = "\\N"


@dataclass
class ReadContext:
    """What a reader needs to validate rows, and what it reports back."""

    path: Path
    hs_codes: set[str]
    regions: dict[str, str]  # INEGI state code -> ISO 3166-2
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

    The hot loop of large imports: one split and a few lookups a line. Values and quantities are
    checked by PostgreSQL's COPY (numeric input), whose error names the line.
    """
    codes = countries.baci_codes()
    hs_codes = ctx.hs_codes
    with ctx.path.open(encoding="utf-8-sig") as handle:
        header = handle.readline().replace(" ", "").strip()
        if header != "t,i,j,k,v,q":
            raise ImportRejected(ctx.path, 1, _("expected the BACI header t,i,j,k,v,q"))
        year_text = ""
        for line, text in enumerate(handle, start=2):
            parts = text.rstrip("\r\n").replace('"', "").replace(" ", "").split(",")
            if len(parts) != 6:
                raise ImportRejected(
                    ctx.path, line, _("expected 6 columns, found %(n)s") % {"n": len(parts)}
                )
            t, i, j, k, v, q = parts
            if t != year_text:
                ctx.year(t, line)
                year_text = t
            exporter, importer = codes.get(i), codes.get(j)
            if exporter is None or importer is None:
                code = i if exporter is None else j
                raise ImportRejected(
                    ctx.path, line, _("unknown country code %(code)r") % {"code": code}
                )
            if k not in hs_codes:
                k = ctx.hs(k, line)
            if q in ("", "NA", "NaN"):
                yield f"{importer}\t\\N\t{exporter}\tM\t{k}\t{t}\t\\N\t{v}e3\t\\N\t\t\n"
            else:
                yield f"{importer}\t\\N\t{exporter}\tM\t{k}\t{t}\t\\N\t{v}e3\t{q}\tt\t\n"


def _line(*fields) -> str:
    return "\t".join(NULL if value is None else str(value) for value in fields) + "\t\n"


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
    return _line(reporter, None, partner, flow, hs, year, month, value, quantity, unit)


READERS = {"baci": read_baci, "datamexico": read_datamexico, "comtrade": read_comtrade}


def write_rows(dataset_id: int, lines: Iterator[str], ctx: ReadContext, progress: Progress) -> int:
    """Stream rows into TradeFlow: COPY on PostgreSQL, batched inserts elsewhere."""
    if connection.vendor == "postgresql":
        return _copy_lines(dataset_id, lines, ctx, progress)
    return _insert_lines(dataset_id, lines, ctx, progress)


def _copy_lines(dataset_id: int, lines: Iterator[str], ctx: ReadContext, progress) -> int:
    from psycopg import errors

    from opportunities.models import TradeFlow

    sql = f"COPY {TradeFlow._meta.db_table} ({', '.join(COLUMNS)}, dataset_id) FROM STDIN"
    suffix = f"{dataset_id}\n"
    count = 0
    try:
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for batch in _batches(lines, 20_000):
                copy.write("".join(batch).replace("\n", "\t" + suffix))
                count += len(batch)
                if count % 500_000 < len(batch):
                    progress(_("%(count)s rows") % {"count": f"{count:,}"})
    except (errors.DataError, errors.BadCopyFileFormat) as exc:
        found = re.search(r"line (\d+)", exc.diag.context or "")
        line = ctx.file_line(int(found.group(1))) if found else None
        raise ImportRejected(ctx.path, line, exc.diag.message_primary or str(exc)) from exc
    return count


def _insert_lines(dataset_id: int, lines: Iterator[str], ctx: ReadContext, progress) -> int:
    from opportunities.models import TradeFlow

    count = 0
    for batch in _batches(lines, 5_000):
        flows = []
        for offset, text in enumerate(batch, start=1):
            values = [None if v == NULL else v for v in text.rstrip("\n").split("\t")]
            row = dict(zip(COLUMNS, values, strict=True))
            try:
                row["value_usd"] = Decimal(row["value_usd"]).quantize(Decimal("0.01"))
                row["quantity"] = None if row["quantity"] is None else Decimal(row["quantity"])
            except InvalidOperation:
                line = ctx.file_line(count + offset)
                raise ImportRejected(ctx.path, line, _("a value is not a number")) from None
            flows.append(TradeFlow(dataset_id=dataset_id, **row))
        TradeFlow.objects.bulk_create(flows)
        count += len(batch)
    return count


def _batches(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in lines:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_trade_file(
    *,
    path: Path,
    fmt: str,
    name: str | None = None,
    version: str = "",
    source: str | None = None,
    is_synthetic: bool = False,
    progress: Progress = quiet,
    regenerate_demand: bool = True,
):
    """Import one trade file as a dataset, replacing an earlier import of the same name.

    After the import commits, market demand is regenerated by a task (unless the caller will do
    it once after several files).
    """
    from companies.models import Region
    from opportunities.models import HSCode, TradeDataset

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
        dataset.flows.all().delete()
        count = write_rows(dataset.pk, READERS[fmt](ctx), ctx, progress)
        dataset.rows = count
        dataset.period_start = min(ctx.years, default=None)
        dataset.period_end = max(ctx.years, default=None)
        dataset.save(update_fields=["rows", "period_start", "period_end", "imported_at"])
        if regenerate_demand:
            from opportunities import tasks

            transaction.on_commit(tasks.regenerate_demand.delay)
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
