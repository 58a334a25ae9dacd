"""The dashboard's match cards: built from plain rows, rendered once per content and language.

The page reads its matches with `match_rows` (opportunities.matching.selectors, which the API's
match list reads too): the match's columns, its opportunity's and its counterpart's, in one query.
A card (templates/opportunities/matching/match_card.html) shows only what those columns hold,
the reasons' product names and whether the match is new to the reader; its HTML is kept in the
Django cache under a digest of exactly that, the language, the card template's text and the
versions of the public-page areas that announce a change of HS names (tradeportal.pagecache), so
a changed match, a renamed product or a new template gets a new key at once. What differs per
request, the forms' CSRF token and return path, stands in the stored HTML as REQUEST_FIELDS and
is put in when the page is served. The 20 cards of a page are read with one `get_many`; only the
missing ones have their reasons rendered and are rendered.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from opportunities.matching import reasons
from opportunities.models import Match
from tradeportal import fragments, pagecache
from tradeportal.i18n import localized

logger = logging.getLogger(__name__)
TEMPLATE = "opportunities/matching/match_card.html"
SECONDS = 24 * 3600  # kept a day at most; the key changes with everything the card shows
AREAS = (pagecache.TRADE,)  # the HS names the reasons and untitled opportunities show

# The match's columns a card shows (its counterpart's come with every match row).
COLUMNS = (
    "id",
    "kind",
    "score",
    "status",
    "created_at",
    "reasons",
    "opportunity_id",
    "opportunity__title",
    "opportunity__is_demo",
    "opportunity__hs_code__description_es",
    "opportunity__hs_code__description_en",
)


@dataclass(frozen=True)
class MatchCard:
    """One match as the dashboard shows it."""

    pk: int
    kind: str
    score: float
    status: str
    is_new: bool  # found since the user's previous visit
    title: str  # the opportunity's, or the counterpart firm's name
    url: str
    is_demo: bool
    region: str  # the counterpart's, beside its name
    reasons: list[str]


def rendered(rows: list[dict], last_visit: datetime | None, request) -> list[str]:
    """The cards of `rows` (from `match_rows` with COLUMNS), in order, as HTML, from the cache
    or rendered."""
    new = [last_visit is None or row["created_at"] > last_visit for row in rows]
    try:
        versions = pagecache.versions(*AREAS)
        keys = [_key(row, is_new, versions) for row, is_new in zip(rows, new, strict=True)]
        found = cache.get_many(keys)
    except Exception:  # the cache is down: render every card, store none
        logger.exception("could not read the cached match cards")
        keys, found = [None] * len(rows), {}
    html = [found.get(key) for key in keys]
    missing = [i for i, card in enumerate(html) if card is None]
    cards = match_cards([rows[i] for i in missing], [new[i] for i in missing])
    for i, card in zip(missing, cards, strict=True):
        html[i] = get_template(TEMPLATE).render(
            {"match": card, "request_fields": mark_safe(fragments.REQUEST_FIELDS)}
        )
    stored = {keys[i]: str(html[i]) for i in missing if keys[i] is not None}
    if stored:
        try:
            cache.set_many(stored, SECONDS)
        except Exception:
            logger.exception("could not store the match cards")
    return [fragments.with_request_fields(card, request) for card in html]


def match_cards(rows: list[dict], new: list[bool]) -> list[MatchCard]:
    """The cards of `rows`, in order; `new` says which matches are new to the reader."""
    explained = reasons.render_lists([row["reasons"] for row in rows])
    kinds = dict(Match.Kind.choices)
    return [
        MatchCard(
            pk=row["id"],
            kind=kinds.get(row["kind"], row["kind"]),
            score=row["score"],
            status=row["status"],
            is_new=is_new,
            reasons=lines,
            **_subject(row),
        )
        for row, is_new, lines in zip(rows, new, explained, strict=True)
    ]


def _subject(row: dict) -> dict:
    """The card's title, link, demo flag and region: of its opportunity, else its counterpart."""
    if row["opportunity_id"] is not None:
        names = SimpleNamespace(
            description_es=row["opportunity__hs_code__description_es"],
            description_en=row["opportunity__hs_code__description_en"],
        )
        return {
            "title": row["opportunity__title"] or localized(names, "description"),
            "url": reverse("opportunities:detail", args=[row["opportunity_id"]]),
            "is_demo": row["opportunity__is_demo"],
            "region": "",
        }
    return {
        "title": row["counterpart__trade_name"] or row["counterpart__legal_name"],
        "url": reverse("companies:detail", args=[row["counterpart__id"]]),
        "is_demo": False,
        "region": row["counterpart__region__name"] or "",
    }


def _key(row: dict, is_new: bool, versions: tuple) -> str:
    """A digest of all the card shows: the row's columns (not when the match was found, only
    whether that is new to the reader), the language, the template and the HS names' version."""
    shown = repr([*(value for column, value in row.items() if column != "created_at"), is_new])
    names = ":".join(str(v) for v in versions)
    stamp = fragments.template_stamp(TEMPLATE)
    return f"match-card:{stamp}:{get_language()}:{names}:{fragments.digest(shown)}"
