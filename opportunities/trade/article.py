"""The article's 2024 headline figures (seed/bilateral_2024_headlines.csv), imported as trade
flows of their own dataset (shown by the home page through figures.py)."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.reference.models import HSCode
from opportunities.trade import storage
from opportunities.trade.models import TradeDataset, TradeFlow
from tradeportal import pagecache
from tradeportal.importing import ImportRejected, Progress, quiet, read_csv

FLOWS = {"export": "X", "import": "M", "balance": "B"}
ALPHA3 = {"MX": "MEX", "PE": "PER"}


@transaction.atomic
def import_article_figures(data_dir: Path, progress: Progress = quiet) -> int:
    """Load the article's headline figures (seed/bilateral_2024_headlines.csv) as trade flows."""
    path = data_dir / "seed" / "bilateral_2024_headlines.csv"
    columns = ["year", "reporter", "partner", "flow", "scope", "item", "hs_code", "value_usd"]
    flows = []
    for line, row in read_csv(path, columns):
        try:
            value = Decimal(row["value_usd"])
        except InvalidOperation:
            raise ImportRejected(path, line, _("value is not a number")) from None
        if (
            row["flow"] not in FLOWS
            or row["reporter"] not in ALPHA3
            or row["partner"] not in ALPHA3
        ):
            raise ImportRejected(path, line, _("unknown reporter, partner or flow"))
        hs_code = row["hs_code"].strip() or None
        if hs_code and not HSCode.objects.filter(code=hs_code).exists():
            raise ImportRejected(path, line, _("unknown HS code %(code)r") % {"code": hs_code})
        region = None
        if "(MX-" in row["item"]:
            region = row["item"].rsplit("(", 1)[1].rstrip(")")
        flows.append(
            TradeFlow(
                reporter=ALPHA3[row["reporter"]],
                partner=ALPHA3[row["partner"]],
                flow=FLOWS[row["flow"]],
                region_id=region,
                hs_code_id=hs_code,
                value_usd=value,
                year=int(row["year"]) if row["year"].isdigit() else None,
                label=row["item"].strip()[:200],
            )
        )
    dataset, _created = TradeDataset.objects.update_or_create(
        source=TradeDataset.Source.ARTICLE,
        name=path.name,
        defaults={"version": "2025", "rows": len(flows), "period_start": 2024, "period_end": 2024},
    )
    storage.delete_rows(dataset.pk)
    for flow in flows:
        flow.dataset = dataset
    TradeFlow.objects.bulk_create(flows)
    progress(_("Article figures: %(count)s") % {"count": len(flows)})
    pagecache.public_pages_changed()
    return len(flows)
