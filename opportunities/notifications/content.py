"""What a match looks like in an email: title, score, reasons and a link, in one language."""

from django.core import signing
from django.urls import reverse
from django.utils import translation

from opportunities.matching import reasons as match_reasons
from opportunities.matching.models import Match
from tradeportal import emails
from tradeportal.formatting import score

UNSUBSCRIBE_SALT = "tradeportal.notifications.unsubscribe"


def absolute(path: str) -> str:
    return emails.site_url(path)


def site_url(name: str, language: str, **kwargs) -> str:
    """An absolute, language-prefixed link to a page of the site."""
    with translation.override(language):
        return absolute(reverse(name, kwargs=kwargs or None))


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps({"m": membership_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_from_token(token: str) -> int | None:
    """The membership id a link was signed for, or None when the link is not ours."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_links(membership_id: int, language: str) -> dict[str, str]:
    token = unsubscribe_token(membership_id)
    return {
        "unsubscribe_url": site_url("notifications:unsubscribe", language, token=token),
        "unsubscribe_post_url": site_url("notifications:unsubscribe", language, token=token),
        "preferences_url": site_url("notifications:preferences", language),
    }


def match_title(match: Match) -> str:
    if match.opportunity_id:
        return str(match.opportunity)
    return str(match.counterpart)


def match_link(match: Match, language: str) -> str:
    if match.opportunity_id:
        return site_url("opportunities:detail", language, pk=match.opportunity_id)
    return site_url("opportunities:dashboard", language)


def product_names(matches: list[Match]) -> dict:
    """The HS codes the reasons of these matches name, in one query."""
    return match_reasons.product_names([m.reasons or [] for m in matches])


def match_items(matches: list[Match], language: str, names: dict | None = None) -> list[dict]:
    """JSON-ready items for a template: rendered in `language` when the email is queued."""
    names = product_names(matches) if names is None else names
    items = []
    with translation.override(language):
        for match in matches:
            items.append(
                {
                    "id": match.id,
                    "title": match_title(match),
                    "score": score(match.score),
                    "kind": str(match.get_kind_display()),
                    "reasons": match_reasons.render(match.reasons or [], language, names),
                    "url": match_link(match, language),
                    "demo": _is_demo(match),
                }
            )
    return items


def _is_demo(match: Match) -> bool:
    """Whether the match rests on synthetic demo data (a demo opportunity or firm)."""
    other = match.opportunity if match.opportunity_id else match.counterpart
    return bool(getattr(other, "is_demo", False))
