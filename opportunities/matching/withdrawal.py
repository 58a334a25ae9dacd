"""Matches of opportunities no longer open: marked stale at once, never deleted.

The lists already hide a match whose opportunity is closed (they read its status); marked
stale, it also leaves the counts and the next rematch's diff. Imported by services.py (a buyer
closes, staff reject or close) and by tasks.py (the deadline, run by beat), so neither of the
two needs the other: services.py imports tasks.py to schedule rematches."""

from django.db import transaction
from django.utils import timezone

from opportunities.listings import services as listing_services
from opportunities.matching.models import Match


def withdraw_matches(opportunity_ids: list[int]) -> int:
    """Mark stale the live matches of these opportunities; return how many."""
    return Match.objects.filter(opportunity_id__in=opportunity_ids, is_stale=False).update(
        is_stale=True, updated_at=timezone.now()
    )


@transaction.atomic
def close_expired_requests() -> int:
    """Close the published buyer requests past their deadline and withdraw their matches, in one
    transaction; return how many requests were closed. Reopened (with a deadline ahead), a
    request is matched again and its matches are live again."""
    closed = listing_services.expire_requests()
    withdraw_matches(closed)
    return len(closed)
