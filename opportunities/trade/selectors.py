"""Reads of the trade statistics shared by the pages and the API, summed in the database."""

from django.db.models import F, Sum
from django.db.models.functions import Length, Substr

from opportunities.trade.models import TradeDataset, TradeFlow


def aggregate_trade(
    *,
    level: int,
    flow: str,
    market=None,
    partner=None,
    hs=None,
    year=None,
    region=None,
    source=None,
):
    """Sum trade values per market, partner, flow, HS code (cut to `level` digits) and year."""
    flows = TradeFlow.objects.filter(flow=flow, year__isnull=False, hs_code__isnull=False)
    flows = flows.filter(region=region) if region else flows.filter(region__isnull=True)
    filters = {"reporter": market, "partner": partner, "year": year}
    flows = flows.filter(**{key: value for key, value in filters.items() if value is not None})
    if hs:
        flows = flows.annotate(prefix=Substr("hs_code_id", 1, len(hs))).filter(prefix=hs)
    if source:
        flows = flows.filter(dataset__in=TradeDataset.objects.filter(source=source))
    return (
        flows.annotate(digits=Length("hs_code_id"))
        .filter(digits__gte=level)
        .values(
            "partner", "flow", "year", market=F("reporter"), code=Substr("hs_code_id", 1, level)
        )
        .annotate(value_usd=Sum("value_usd"))
        .order_by("market", "partner", "code", "year")
    )
