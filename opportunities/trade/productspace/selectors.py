"""Reads of the stored product space for the dashboard and the public company page."""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache

from opportunities.reference.models import HSCode
from opportunities.trade.productspace import space
from opportunities.trade.productspace.models import CountryProduct, ProductProximity, ProductSpace
from tradeportal import pagecache
from tradeportal.i18n import ALPHA3

logger = logging.getLogger(__name__)
OTHER = {"MEX": "PER", "PER": "MEX"}
NAMES = ("code", "description_es", "description_en")  # what the page shows of an HS code
ITEMS_SECONDS = 24 * 3600  # the key changes with the space's build and the HS names' version


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
    key: str | None = None  # the items' cache key: what they show (None when not cached)


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
    market = OTHER[country]
    items, key = _cached_items(stored, owned, country, market, limit)
    return NextProducts(stored, country, market, items, has_exports=bool(owned), key=key)


def _cached_items(
    stored: ProductSpace, owned: set[str], country: str, market: str, limit: int
) -> tuple[list[NextProduct], str | None]:
    """The items for these products and their key, kept in the cache: they depend only on the
    space's build, the HS names' version (tradeportal.pagecache) and the products, so every firm
    selling the same products shares them, and a rebuilt space or a renamed code gets a new key."""
    try:
        products = hashlib.sha256(",".join(sorted(owned)).encode()).hexdigest()[:32]
        build = f"{stored.pk}:{stored.built_at.timestamp()}"
        names = pagecache.versions(pagecache.TRADE)[0]
        key = f"next-products:{build}:{names}:{country}:{limit}:{products}"
        found = cache.get(key)
    except Exception:  # the cache is down: compute them
        logger.exception("could not read the cached next products")
        return _items(stored, _nearest(stored, owned, limit), country, market), None
    if found is None:
        found = _items(stored, _nearest(stored, owned, limit), country, market)
        try:
            cache.set(key, found, ITEMS_SECONDS)
        except Exception:
            logger.exception("could not store the next products")
    return found, key


def _nearest(stored: ProductSpace, owned: set[str], limit: int) -> list:
    neighbours: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for product, other, phi in ProductProximity.objects.filter(
        space=stored, product__in=owned
    ).values_list("product", "other_id", "proximity"):
        neighbours[product].append((other, phi))
    return space.nearest(owned, neighbours, limit=limit)


def _items(stored: ProductSpace, chosen: list, country: str, market: str) -> list[NextProduct]:
    if not chosen:
        return []
    codes = {n.product for n in chosen} | {n.via for n in chosen}
    names = HSCode.objects.only(*NAMES).in_bulk(list(codes))
    figures = {
        (row.country, row.product_id): row
        for row in CountryProduct.objects.filter(
            space=stored, product_id__in=[n.product for n in chosen]
        )
    }
    headings: dict[str, list[HSCode]] = defaultdict(list)
    if stored.level == 2:
        chapters = HSCode.objects.filter(level=4, parent_id__in=[n.product for n in chosen])
        for heading in chapters.only(*NAMES, "parent"):
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
