"""The article's headline figures, as stored in the trade statistics."""

from dataclasses import dataclass
from decimal import Decimal

from opportunities.trade.models import Flow, TradeDataset, TradeFlow


@dataclass(frozen=True)
class Figure:
    label: str
    value_usd: Decimal
    hs_code: str | None
    region: str | None
    year: int | None


def headline_figures() -> dict[str, list[Figure]]:
    """Group the article's figures by what they describe (products each way, states, balance)."""
    rows = (
        TradeFlow.objects.filter(dataset__source=TradeDataset.Source.ARTICLE)
        .select_related("region")
        .order_by("-value_usd")
    )
    groups: dict[str, list[Figure]] = {
        "mx_exports": [],
        "pe_exports": [],
        "mx_states_origin": [],
        "mx_states_destination": [],
        "mx_states_balance": [],
        "balance": [],
    }
    for row in rows:
        figure = Figure(
            label=row.label,
            value_usd=row.value_usd,
            hs_code=row.hs_code_id,
            region=row.region.name if row.region_id else None,
            year=row.year,
        )
        if row.flow == Flow.BALANCE:
            groups["mx_states_balance" if row.region_id else "balance"].append(figure)
        elif row.region_id:
            key = "mx_states_origin" if row.flow == Flow.EXPORT else "mx_states_destination"
            groups[key].append(figure)
        elif row.flow == Flow.EXPORT:
            groups["mx_exports" if row.reporter == "MEX" else "pe_exports"].append(figure)
    return groups
