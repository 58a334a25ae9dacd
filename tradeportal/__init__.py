"""TradePortal's core: settings, Celery app, formatting, email outbox, page cache, API base."""

from .celery import app as celery_app

__all__ = ("celery_app",)
