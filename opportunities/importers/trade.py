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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from opportunities.importers import countries
from opportunities.importers.common import ImportRejected, Progress, quiet

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
    skipped: int = 0
    mapped_to_heading: int = 0

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


def read_baci(ctx: ReadContext) -> Iterator[tuple]:
    """CEPII BACI: t,i,j,k,v,q with v in thousands of US dollars and q in tonnes."""
    codes = countries.baci_codes()
    with ctx.path.open(encoding="utf-8-sig") as handle:
        header = [name.strip() for name in handle.readline().split(",")]
        if header != ["t", "i", "j", "k", "v", "q"]:
            raise ImportRejected(ctx.path, 1, _("expected the BACI header t,i,j,k,v,q"))
        year_text = ""
        for line, text in enumerate(handle, start=2):
            parts = text.rstrip("\r\n").replace('"', "").split(",")
            if len(parts) != 6:
                raise ImportRejected(
                    ctx.path, line, _("expected 6 columns, found %(n)s") % {"n": len(parts)}
                )
            t, i, j, k, v, q = parts
            if t != year_text:
                ctx.year(t, line)
                year_text = t
            exporter, importer = codes.get(i.strip()), codes.get(j.strip())
            if exporter is None or importer is None:
                raise ImportRejected(
                    ctx.path,
                    line,
                    _("unknown country code %(code)r") % {"code": i if exporter is None else j},
                )
            hs = k if k in ctx.hs_codes else ctx.hs(k, line)
            value = v if NUMBER.fullmatch(v) else ctx.number(v, line, _("value"))
            q = q.strip()
            quantity = NULL if q in ("", "NA", "NaN") else ctx.number(q, line, _("quantity"))
            yield (
                importer,
                NULL,
                exporter,
                "M",
                hs,
                t,
                NULL,
                value + "e3",
                quantity,
                "" if quantity == NULL else "t",
                "",
            )


def read_datamexico(ctx: ReadContext) -> Iterator[tuple]:
    """DataMéxico state exports: Month ID, State ID, HS6 ID (section + 6 digits), Flow ID, ..."""
    flows = {"1": "M", "2": "X"}
    for line, row in _dict_rows(
        ctx.path, ["Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID", "Trade Value"]
    ):
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
        yield (
            "MEX",
            region,
            partner,
            flow,
            ctx.hs(hs6[-6:], line),
            year,
            int(month_id[4:]),
            value,
            NULL,
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


def read_comtrade(ctx: ReadContext) -> Iterator[tuple]:
    """UN Comtrade CSV (Comtrade Plus or legacy columns), annual or monthly."""
    with ctx.path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        names = {
            key: next((a for a in aliases if a in (reader.fieldnames or [])), None)
            for key, aliases in COMTRADE_ALIASES.items()
        }
        missing = [
            key for key, name in names.items() if name is None and key not in ("quantity", "unit")
        ]
        if missing:
            raise ImportRejected(
                ctx.path, 1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
            )
        for row in reader:
            line = reader.line_num
            flow_code = row[names["flow"]].strip()
            if flow_code in COMTRADE_SKIPPED_FLOWS:
                ctx.skipped += 1
                continue
            flow = COMTRADE_FLOWS.get(flow_code)
            if flow is None:
                raise ImportRejected(
                    ctx.path, line, _("unknown flow %(value)r") % {"value": flow_code}
                )
            yield _comtrade_row(ctx, row, names, flow, line)


def _comtrade_row(ctx: ReadContext, row: dict, names: dict, flow: str, line: int) -> tuple:
    reporter = row[names["reporter"]].strip().upper()
    partner = row[names["partner"]].strip().upper()
    partner = "WLD" if partner in ("W00", "WLD") else partner
    if not (len(reporter) == 3 and len(partner) == 3):
        raise ImportRejected(
            ctx.path, line, _("unknown country code %(code)r") % {"code": reporter or partner}
        )
    code = row[names["code"]].strip()
    hs = NULL if code.upper() == "TOTAL" else ctx.hs(code, line)
    period = row[names["period"]].strip()
    month = int(period[4:]) if len(period) == 6 and period.isdigit() else None
    year = ctx.year(row[names["year"]].strip(), line)
    quantity = row.get(names["quantity"] or "", "").strip()
    quantity = NULL if quantity in ("", "NA") else ctx.number(quantity, line, _("quantity"))
    unit = (row.get(names["unit"] or "", "") or "").strip()[:12] if quantity != NULL else ""
    value = ctx.number(row[names["value"]], line, _("value"))
    return (
        reporter,
        NULL,
        partner,
        flow,
        hs,
        year,
        NULL if month is None else month,
        value,
        quantity,
        unit,
        "",
    )


READERS = {"baci": read_baci, "datamexico": read_datamexico, "comtrade": read_comtrade}


def _dict_rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    from opportunities.importers.common import read_csv

    return read_csv(path, required)


def write_rows(
    dataset_id: int, rows: Iterator[tuple], progress: Progress, every: int = 500_000
) -> int:
    """Stream rows into TradeFlow: COPY on PostgreSQL, batched inserts elsewhere."""
    if connection.vendor == "postgresql":
        return _copy_rows(dataset_id, rows, progress, every)
    return _insert_rows(dataset_id, rows, progress, every)


def _copy_rows(dataset_id: int, rows: Iterator[tuple], progress: Progress, every: int) -> int:
    from opportunities.models import TradeFlow

    table = TradeFlow._meta.db_table
    prefix = f"{dataset_id}\t"
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {table} (dataset_id, {', '.join(COLUMNS)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append(prefix + "\t".join(map(str, row)) + "\n")
                if len(buffer) == 10_000:
                    copy.write("".join(buffer))
                    buffer.clear()
                    count += 10_000
                    if count % every == 0:
                        progress(_("%(count)s rows") % {"count": f"{count:,}"})
            copy.write("".join(buffer))
            count += len(buffer)
    return count


def _insert_rows(dataset_id: int, rows: Iterator[tuple], progress: Progress, every: int) -> int:
    from opportunities.models import TradeFlow

    def flow(row: tuple) -> TradeFlow:
        values = {
            name: (None if value == NULL else value)
            for name, value in zip(COLUMNS, row, strict=True)
        }
        value = values["value_usd"]
        if value.endswith("e3"):
            values["value_usd"] = str(float(value[:-2]) * 1000)
        return TradeFlow(dataset_id=dataset_id, **values)

    count, batch = 0, []
    for row in rows:
        batch.append(flow(row))
        if len(batch) == 5_000:
            TradeFlow.objects.bulk_create(batch)
            count += len(batch)
            batch.clear()
            if count % every == 0:
                progress(_("%(count)s rows") % {"count": f"{count:,}"})
    TradeFlow.objects.bulk_create(batch)
    return count + len(batch)


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
    """Import one trade file as a dataset, replacing an earlier import of the same name."""
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
    with transaction.atomic():
        dataset, _created = TradeDataset.objects.update_or_create(
            source=source or fmt,
            name=name or path.name,
            defaults={"version": version, "is_synthetic": is_synthetic},
        )
        dataset.flows.all().delete()
        count = write_rows(dataset.pk, READERS[fmt](ctx), progress)
        dataset.rows = count
        dataset.period_start = min(ctx.years, default=None)
        dataset.period_end = max(ctx.years, default=None)
        dataset.save(update_fields=["rows", "period_start", "period_end", "imported_at"])
    progress(
        _(
            "%(name)s: %(count)s rows imported, %(skipped)s skipped, %(mapped)s older codes kept "
            "at their heading"
        )
        % {
            "name": dataset.name,
            "count": f"{count:,}",
            "skipped": ctx.skipped,
            "mapped": ctx.mapped_to_heading,
        }
    )
    return dataset
