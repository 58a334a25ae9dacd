"""Instant match notifications, batched: never ten emails in one second.

The matching store marks each company whose matches it wrote (MatchesToAnnounce, in the
transaction of the matches). `send_instant_batches` (Celery beat, every minute) first takes those
marks (`announce_saved_matches`): each instant member with new matches gets a batch row due
INSTANT_BATCH_MINUTES after the save, and the mark is deleted in the same transaction, so a worker
lost between storing and emailing leaves the mark for the next minute. It then sends each due
batch as one email listing the member's new matches, best first, and records every match it names
(InstantNotice), so the same match never goes twice to the same person. The matching layer never
calls this module: the notifications read what it left."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from companies.models import Membership, NotificationFrequency
from opportunities.matching.models import MatchesToAnnounce
from opportunities.notifications import content, selectors
from opportunities.notifications.models import InstantBatch, InstantNotice
from tradeportal.models import OutboxEmail
from tradeportal.outbox import enqueue_many

MAX_PER_EMAIL = 10
MARKS_PER_TRANSACTION = 1000


def announce_saved_matches() -> int:
    """Open the instant batches of the companies the matching store marked, and delete the marks,
    a thousand companies per transaction. Marks that a save still holds are skipped (its matches
    are not visible yet) and taken at the next look. Returns how many batches were opened."""
    opened = 0
    while True:
        with transaction.atomic():
            marks = dict(
                MatchesToAnnounce.objects.select_for_update(skip_locked=True)
                .order_by("saved_at")
                .values_list("company_id", "saved_at")[:MARKS_PER_TRANSACTION]
            )
            if not marks:
                return opened
            opened += queue_match_emails(company_ids=list(marks), saved_at=marks)
            MatchesToAnnounce.objects.filter(company_id__in=list(marks)).delete()


def queue_match_emails(*, company_ids, saved_at: dict | None = None) -> int:
    """Open a batch for each instant member of these companies with new matches, due
    INSTANT_BATCH_MINUTES after the save (`saved_at`: company id -> time; now when absent).
    Returns how many batches were opened (a member's open batch just waits for its window)."""
    now, window = timezone.now(), timedelta(minutes=settings.INSTANT_BATCH_MINUTES)
    saved_at = saved_at or {}
    memberships = list(
        selectors.notifiable_memberships(NotificationFrequency.INSTANT).filter(
            company_id__in=list(company_ids)
        )
    )
    waiting = selectors.new_matches_for_many(memberships)
    batches = [
        InstantBatch(membership=m, due_at=saved_at.get(m.company_id, now) + window)
        for m in memberships
        if _untold(m, waiting[m.id])
    ]
    created = InstantBatch.objects.bulk_create(batches, ignore_conflicts=True)
    return len(created)


def send_instant_batches(now=None) -> int:
    """Take the store's marks, then queue one email per due batch with the member's new matches,
    best first. Returns emails."""
    announce_saved_matches()
    now = now or timezone.now()
    sent = 0
    for batch_id in InstantBatch.objects.filter(due_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            batch = (
                InstantBatch.objects.select_for_update(skip_locked=True)
                .select_related("membership__user", "membership__company")
                .filter(pk=batch_id)
                .first()
            )
            if batch is not None:
                sent += _send(batch, now)
    return sent


def _send(batch: InstantBatch, now) -> int:
    membership = batch.membership
    batch.delete()
    if membership.notify_frequency != NotificationFrequency.INSTANT:
        return 0
    matches = _untold(membership, list(selectors.new_matches_for(membership)[:50]))
    matches = matches[:MAX_PER_EMAIL]
    Membership.objects.filter(pk=membership.pk).update(last_digest_at=now)
    if not matches:
        return 0
    user, language = membership.user, membership.user.language or "es"
    items = content.match_items(matches, language)
    email = OutboxEmail(
        key=f"instant:{membership.pk}:{int(batch.due_at.timestamp())}:{matches[0].id}",
        user=user,
        to_email=user.email,
        template="match-instant",
        language=language,
        context={
            "company": str(membership.company),
            "matches": items,
            "match": items[0],
            "total": len(items),
            **content.unsubscribe_links(membership.id, language),
        },
    )
    InstantNotice.objects.bulk_create(
        [InstantNotice(user=user, match_id=m.id) for m in matches], ignore_conflicts=True
    )
    return enqueue_many([email])


def _untold(membership: Membership, matches: list) -> list:
    """The matches not named yet in an instant email to this member."""
    told = set(
        InstantNotice.objects.filter(
            user_id=membership.user_id, match_id__in=[m.id for m in matches]
        ).values_list("match_id", flat=True)
    )
    return [m for m in matches if m.id not in told]
