"""Reads of the notifications: who gets what, and the matches they have not been told about."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet

from companies.models import Membership
from opportunities.models import Match


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
