"""The email outbox: every email is written to a table first (in the transaction that causes it),
then sent by a task.

Sending claims rows with SELECT ... FOR UPDATE SKIP LOCKED (so workers never share a row), sends
each one and marks it sent at once; an SMTP failure is retried with exponential backoff and then
recorded as failed. Rows a killed worker left claimed ("sending") go back to the queue through
`sweep_stale`, so nothing is lost; the only duplicate possible is a message the SMTP server
accepted just before the kill, and it is re-sent with the same Message-ID.
"""

import contextlib
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tradeportal import emails
from tradeportal.models import OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "OUTBOX_MAX_ATTEMPTS", 5)
BACKOFF_BASE_SECONDS = getattr(settings, "OUTBOX_BACKOFF_SECONDS", 60)
CLAIM_BATCH = 20
# A claim older than this belongs to a dead worker (above the task time limit).
STALE_CLAIM = timedelta(seconds=getattr(settings, "OUTBOX_STALE_CLAIM_SECONDS", 360))


def _schedule_send() -> None:
    transaction.on_commit(send_outbox.delay)


def enqueue_email(
    *, key: str, to_email: str, template: str, context: dict, language: str, user=None
) -> OutboxEmail | None:
    """Write an email to the outbox once per key; send it after the transaction commits.

    Returns the new row, or None when an email with this key was already queued.
    """
    email, created = OutboxEmail.objects.get_or_create(
        key=key,
        defaults={
            "to_email": to_email,
            "template": template,
            "context": context,
            "language": language,
            "user": user,
        },
    )
    if not created:
        return None
    _schedule_send()
    return email


def enqueue_many(rows: list[OutboxEmail], *, schedule: bool = True) -> int:
    """Write many unsaved OutboxEmail rows; keys already present are skipped. Returns the count
    of rows written."""
    if not rows:
        return 0
    keys = [row.key for row in rows]
    existing = set(OutboxEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [row for row in rows if row.key not in existing]
    OutboxEmail.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    if fresh and schedule:
        _schedule_send()
    return len(fresh)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: 1, 2, 4, 8 ... times the base."""
    return timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def claim(limit: int = CLAIM_BATCH) -> list[OutboxEmail]:
    """Claim up to `limit` due emails for this worker (skipping rows other workers hold)."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEmail.Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        ids = list(due)
        if not ids:
            return []
        OutboxEmail.objects.filter(id__in=ids).update(
            status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(OutboxEmail.objects.filter(id__in=ids).order_by("id"))


def message_for(email: OutboxEmail):
    """The multipart message of an outbox row, with List-Unsubscribe headers when it has a link."""
    rendered = emails.render(email.template, email.context, email.language)
    headers = {}
    unsubscribe_url = email.context.get("unsubscribe_post_url")
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return emails.build_message(
        to=email.to_email, rendered=rendered, message_id=email.message_id, headers=headers
    )


def _mark_sent(email: OutboxEmail) -> None:
    OutboxEmail.objects.filter(id=email.id, status=OutboxEmail.Status.SENDING).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def _mark_failed_attempt(email: OutboxEmail, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        update = {"status": OutboxEmail.Status.FAILED, "next_attempt_at": None}
    else:
        update = {
            "status": OutboxEmail.Status.QUEUED,
            "next_attempt_at": timezone.now() + backoff(email.attempts),
        }
    OutboxEmail.objects.filter(id=email.id).update(last_error=message, claimed_at=None, **update)
    log.warning("email %s attempt %s failed: %s", email.key, email.attempts, message)


def send_batch(batch: list[OutboxEmail]) -> int:
    """Send claimed emails over one SMTP connection; each is marked sent right after the server
    accepts it. Returns how many were sent."""
    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # the server is down: every claimed email waits for a retry
        for email in batch:
            _mark_failed_attempt(email, error)
        return 0
    try:
        for email in batch:
            try:
                message = message_for(email)
                message.connection = connection
                message.send()
            except Exception as error:
                _mark_failed_attempt(email, error)
                with contextlib.suppress(Exception):  # a broken session fails the rest: reopen
                    connection.close()
                    connection.open()
                continue
            _mark_sent(email)
            sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return sent


def send_queued(limit: int | None = None, batch_size: int = CLAIM_BATCH) -> int:
    """Claim and send due emails until none are left (or `limit` were handled)."""
    total = handled = 0
    while limit is None or handled < limit:
        size = batch_size if limit is None else min(batch_size, limit - handled)
        batch = claim(size)
        if not batch:
            break
        handled += len(batch)
        total += send_batch(batch)
    return total


def sweep_stale(older_than: timedelta = STALE_CLAIM) -> int:
    """Put back in the queue the emails a dead worker claimed and never finished."""
    cutoff = timezone.now() - older_than
    return OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=cutoff
    ).update(status=OutboxEmail.Status.QUEUED, claimed_at=None, next_attempt_at=None)


def resend(ids) -> int:
    """Queue failed or sent emails again (staff action); they keep their Message-ID."""
    count = OutboxEmail.objects.filter(id__in=ids).update(
        status=OutboxEmail.Status.QUEUED, attempts=0, next_attempt_at=None, claimed_at=None
    )
    if count:
        _schedule_send()
    return count


# Tasks (registered through tradeportal/celery.py; routed to the "email" queue) ----------------


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_outbox() -> int:
    """Send the due emails of the outbox."""
    return send_queued()


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Re-queue emails a dead worker left claimed, then send what is due (beat, every minutes)."""
    swept = sweep_stale()
    send_queued()
    return swept
