"""Opportunity cards rendered once per opportunity version and language, shared by every page.

A card (templates/opportunities/card.html) shows the opportunity's own fields and the names of
its sector, region, HS code and dataset, in the page's language; nothing of the visitor. Its HTML
is kept in the Django cache under a key made of the opportunity's id and `updated_at`, the
language, and the versions of the public-page areas that announce a change of those names
(tradeportal.pagecache: a sector, region, HS or dataset change moves SECTORS or TRADE, or all
areas): a changed opportunity, or a renamed sector, gets a new key, so its card is rendered anew at
once. The 20 cards of a page are read with one `get_many`; only the missing ones are rendered.
"""

import logging

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from opportunities.models import Opportunity
from tradeportal import fragments, pagecache

logger = logging.getLogger(__name__)
TEMPLATE = "opportunities/card.html"
# The templates' text is part of the key: a deployed change of a card stops old cards being read.
TEMPLATES = (
    TEMPLATE,
    "opportunities/detail_body.html",
    "includes/data_source.html",
    "includes/bar_chart.html",
)
SECONDS = 24 * 3600  # kept a day at most; the key changes with everything the card shows
AREAS = (pagecache.SECTORS, pagecache.TRADE)  # sector, region, HS and dataset names


def load(ids: list[int]) -> dict[int, Opportunity]:
    """The opportunities `ids` with what a card shows, by id."""
    return (
        Opportunity.objects.select_related("hs_code", "sector", "market_region", "dataset")
        .defer("figures", "search_text", "description", "moderation_note")
        .in_bulk(ids)
    )


def _key(pk: int, updated_at, language: str, versions: tuple) -> str:
    stamp = updated_at.timestamp() if updated_at else ""
    names = ":".join(str(v) for v in versions)
    return f"card:{fragments.template_stamp(*TEMPLATES)}:{language}:{pk}:{stamp}:{names}"


def render(opportunity: Opportunity) -> str:
    return get_template(TEMPLATE).render({"o": opportunity})


def rendered(opportunities: list[Opportunity], complete: bool = False) -> list[str]:
    """The cards of `opportunities`, in order, as HTML, from the cache or rendered.

    `opportunities` need only their id and `updated_at` loaded: the ones whose card is missing
    are loaded again with `load`, unless `complete` (loaded with what a card shows)."""
    if not opportunities:
        return []
    language = get_language()
    try:
        versions = pagecache.versions(*AREAS)
        keys = [_key(o.pk, o.updated_at, language, versions) for o in opportunities]
        found = cache.get_many(keys)
    except Exception:  # the cache is down: render every card, store none
        logger.exception("could not read the cached opportunity cards")
        keys, found = [None] * len(opportunities), {}
    missing = [o.pk for o, key in zip(opportunities, keys, strict=True) if key not in found]
    loaded = {o.pk: o for o in opportunities} if complete else load(missing)
    html, new = [], {}
    for o, key in zip(opportunities, keys, strict=True):
        if key in found:
            html.append(mark_safe(found[key]))  # HTML this module rendered and stored
            continue
        card = render(loaded[o.pk])
        html.append(card)
        if key is not None:
            new[key] = str(card)
    if new:
        try:
            cache.set_many(new, SECONDS)
        except Exception:
            logger.exception("could not store the opportunity cards")
    return html


def cached(name: str, opportunity: Opportunity, areas: tuple[str, ...], build) -> str:
    """HTML about one opportunity that `build()` renders, kept like its card: per id,
    `updated_at`, language and the versions of `areas` (the other public data it shows)."""
    try:
        versions = pagecache.versions(*areas)
    except Exception:  # the cache is down: render it
        logger.exception("could not read the versions for a cached %s", name)
        return build()
    key = _key(opportunity.pk, opportunity.updated_at, get_language(), versions)
    return fragments.kept(f"{name}:{key}", build)
