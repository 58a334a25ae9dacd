"""Instant match emails, queued in the transaction that writes the matches.

The matching engine calls `queue_match_emails(company_ids=...)` inside the same transaction as its
writes: the outbox rows commit (or roll back) with the matches. One email per new match and member,
keyed by match and user, so the same match never goes twice to the same person."""

from django.utils import timezone

from companies.models import Membership, NotificationFrequency
from opportunities.notifications import content, selectors
from tradeportal.models import OutboxEmail
from tradeportal.outbox import enqueue_many

MAX_PER_MEMBER = 10


def queue_match_emails(*, company_ids) -> int:
    """Queue instant emails for the new matches of these companies. Returns how many."""
    now = timezone.now()
    memberships = selectors.notifiable_memberships(NotificationFrequency.INSTANT).filter(
        company_id__in=list(company_ids)
    )
    rows, told = [], []
    for membership in memberships:
        user = membership.user
        language = user.language or "es"
        matches = list(selectors.new_matches_for(membership)[:MAX_PER_MEMBER])
        if not matches:
            continue
        links = content.unsubscribe_links(membership.id, language)
        for item in content.match_items(matches, language):
            rows.append(
                OutboxEmail(
                    key=f"match:{item['id']}:user:{user.id}",
                    user=user,
                    to_email=user.email,
                    template="match-instant",
                    language=language,
                    context={"company": str(membership.company), "match": item, **links},
                )
            )
        told.append(membership.id)
    Membership.objects.filter(id__in=told).update(last_digest_at=now)
    return enqueue_many(rows)
