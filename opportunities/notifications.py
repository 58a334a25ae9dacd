"""The email outbox: every email is written to a table first, then sent by a task.

First version: enqueue and a plain sending pass. The notifications issue hardens it (claiming with
SKIP LOCKED, retries with backoff, the sweep of stale claims, digests, unsubscribe).
"""

from django.db import transaction
from django.utils import timezone

from opportunities.models import OutboxEmail
from tradeportal import emails


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
    from opportunities import tasks

    transaction.on_commit(tasks.send_outbox.delay)
    return email


def send_queued(limit: int = 100) -> int:
    """Send up to `limit` queued emails; return how many were sent."""
    sent = 0
    for email in OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED)[:limit]:
        rendered = emails.render(email.template, email.context, email.language)
        emails.build_message(
            to=email.to_email, rendered=rendered, message_id=email.message_id
        ).send()
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "sent_at", "attempts"])
        sent += 1
    return sent
