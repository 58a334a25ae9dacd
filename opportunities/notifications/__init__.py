"""Email notifications: the outbox every email goes through, instant match emails, digests and
one-click unsubscribe. `enqueue_email` is the one way any code sends an email."""

from opportunities.notifications.outbox import enqueue_email, enqueue_many

__all__ = ["enqueue_email", "enqueue_many"]
