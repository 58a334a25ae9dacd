"""Reads of the notifications: who gets what, and the matches they have not been told about."""

from collections import defaultdict

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet

from companies.models import Membership
from opportunities.matching.models import Match


def notifiable_memberships(frequency: str) -> QuerySet[Membership]:
    """Memberships with this notification frequency whose user's address is verified."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    return (
        Membership.objects.filter(notify_frequency=frequency, user__is_active=True)
        .filter(Exists(verified))
        .select_related("user", "company")
    )


def new_matches_for(membership: Membership) -> QuerySet[Match]:
    """Matches of the member's company found since they were last told, at or above their
    minimum score, best first."""
    since = membership.last_digest_at or membership.created_at
    return (
        Match.objects.filter(
            company_id=membership.company_id,
            is_stale=False,
            created_at__gt=since,
            score__gte=membership.notify_min_score,
        )
        .exclude(status=Match.Status.DISMISSED)
        .select_related("opportunity", "counterpart")
        .order_by("-score", "id")
    )


def new_matches_for_many(memberships: list[Membership]) -> dict[int, list[Match]]:
    """`new_matches_for` of many memberships in one query: membership id -> matches, best first."""
    if not memberships:
        return {}
    since = {m.id: m.last_digest_at or m.created_at for m in memberships}
    matches = (
        Match.objects.filter(
            company_id__in={m.company_id for m in memberships},
            is_stale=False,
            created_at__gt=min(since.values()),
            score__gte=min(m.notify_min_score for m in memberships),
        )
        .exclude(status=Match.Status.DISMISSED)
        .select_related("opportunity", "counterpart")
        .order_by("-score", "id")
    )
    by_company: dict[int, list[Match]] = defaultdict(list)
    for match in matches:
        by_company[match.company_id].append(match)
    return {
        m.id: [
            match
            for match in by_company[m.company_id]
            if match.created_at > since[m.id] and match.score >= m.notify_min_score
        ]
        for m in memberships
    }
