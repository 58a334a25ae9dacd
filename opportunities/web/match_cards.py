"""The dashboard's match cards, built from plain rows rather than model instances.

The page reads its matches with `match_rows` (opportunities.matching.selectors, which the API's
match list reads too): the match's columns, its opportunity's and its counterpart's, in one query.
A card is what the page shows of one of them; the reasons of the whole page are rendered at once.
"""

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.urls import reverse

from opportunities.matching import reasons
from opportunities.models import Match
from tradeportal.i18n import localized

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


def match_cards(rows: list[dict], last_visit: datetime | None) -> list[MatchCard]:
    """The cards of `rows` (from `match_rows` with COLUMNS), in order."""
    explained = reasons.render_lists([row["reasons"] for row in rows])
    kinds = dict(Match.Kind.choices)
    return [
        MatchCard(
            pk=row["id"],
            kind=kinds.get(row["kind"], row["kind"]),
            score=row["score"],
            status=row["status"],
            is_new=last_visit is None or row["created_at"] > last_visit,
            reasons=lines,
            **_subject(row),
        )
        for row, lines in zip(rows, explained, strict=True)
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
