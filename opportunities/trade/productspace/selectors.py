"""Reads of the stored product space for the dashboard and the public company page."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from opportunities.reference.models import HSCode
from opportunities.trade.productspace import space
from opportunities.trade.productspace.models import CountryProduct, ProductProximity, ProductSpace
from tradeportal.i18n import ALPHA3

OTHER = {"MEX": "PER", "PER": "MEX"}


@dataclass(frozen=True)
class NextProduct:
    """A product the firm does not list, close to one it sells, with the numbers behind it."""

    code: HSCode
    via: HSCode
    proximity: float
    density: float | None  # of the firm's country around this product
    market_imports_usd: Decimal | None  # the other market's imports of it from the world
    headings: list[HSCode] = field(default_factory=list)  # a chapter's headings, to pick one


@dataclass(frozen=True)
class NextProducts:
    space: ProductSpace
    country: str  # alpha-3 of the firm's country
    market: str  # alpha-3 of the other market
    items: list[NextProduct]
    has_exports: bool


def next_products(*, country: str, exported: Iterable[str], limit: int = 5) -> NextProducts | None:
    """The products nearest to the HS codes a firm of `country` (MX, PE) exports, not those.

    Reads the finest level computed (heading when a BACI file covering the world was loaded,
    else chapter); None when no product space is stored.
    """
    stored = ProductSpace.objects.order_by("-level").first()
    country = ALPHA3.get(country)
    if stored is None or country is None:
        return None
    owned = {code[: stored.level] for code in exported}
    neighbours: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for product, other, phi in ProductProximity.objects.filter(
        space=stored, product__in=owned
    ).values_list("product", "other_id", "proximity"):
        neighbours[product].append((other, phi))
    chosen = space.nearest(owned, neighbours, limit=limit)
    market = OTHER[country]
    items = _items(stored, chosen, country, market)
    return NextProducts(stored, country, market, items, has_exports=bool(owned))


def _items(stored: ProductSpace, chosen: list, country: str, market: str) -> list[NextProduct]:
    if not chosen:
        return []
    codes = {n.product for n in chosen} | {n.via for n in chosen}
    names = HSCode.objects.in_bulk(list(codes))
    figures = {
        (row.country, row.product_id): row
        for row in CountryProduct.objects.filter(
            space=stored, product_id__in=[n.product for n in chosen]
        )
    }
    headings: dict[str, list[HSCode]] = defaultdict(list)
    if stored.level == 2:
        for heading in HSCode.objects.filter(level=4, parent_id__in=[n.product for n in chosen]):
            headings[heading.parent_id].append(heading)
    items = []
    for n in chosen:
        own, other = figures.get((country, n.product)), figures.get((market, n.product))
        items.append(
            NextProduct(
                code=names[n.product],
                via=names[n.via],
                proximity=n.proximity,
                density=own.density if own else None,
                market_imports_usd=other.imports_usd if other else None,
                headings=headings.get(n.product, []),
            )
        )
    return items
