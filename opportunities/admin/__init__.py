"""Admin of the opportunities app, one module per area; work.py is the start page."""

from . import conversation, guide, matching, opportunity, outbox, reference, trade, work

__all__ = [
    "conversation",
    "guide",
    "matching",
    "opportunity",
    "outbox",
    "reference",
    "trade",
    "work",
]
