"""What each loaded trade dataset is: source, licence, link, coverage, in the reader's language.

Read by the methodology page (and the admin shows the same fields).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.regions import Region
from opportunities.trade.models import TradeDataset
from tradeportal import formatting


@dataclass(frozen=True)
class DatasetRow:
    dataset: TradeDataset
    coverage: str


def loaded_datasets() -> list[DatasetRow]:
    """Every dataset, newest first, with a sentence on what it covers (two queries)."""
    datasets = list(TradeDataset.objects.order_by("source", "-period_end", "name"))
    codes = {code for d in datasets for code in d.coverage.get("regions", [])}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [DatasetRow(dataset=d, coverage=coverage_text(d, names)) for d in datasets]


def coverage_text(dataset: TradeDataset, region_names: dict[str, str]) -> str:
    covered = dataset.coverage or {}
    parts = []
    reporters = covered.get("reporters", {})
    if reporters:
        parts.append(
            _("exports of %(x)s countries and imports of %(m)s countries")
            % {"x": reporters.get("X", 0), "m": reporters.get("M", 0)}
        )
    if covered.get("level") == 2:
        parts.append(_("by HS chapter, with the world"))
    elif covered.get("level") == 6:
        parts.append(_("by HS subheading"))
    months = covered.get("months", [])
    if months:
        area = ", ".join(region_names.get(c, c) for c in covered.get("regions", []))
        year = months[-1] // 100
        parts.append(
            formatting.scope(
                area or _("Mexico"), year, [m % 100 for m in months if m // 100 == year]
            )
        )
        if len({m // 100 for m in months}) > 1:
            parts.append(
                ngettext("%(n)s month in all", "%(n)s months in all", len(months))
                % {"n": len(months)}
            )
    if covered.get("calibrated_on") == TradeDataset.Source.BACI_OEC:
        parts.append(_("chapters add up to the real totals of CEPII BACI via OEC"))
    return "; ".join(parts)
