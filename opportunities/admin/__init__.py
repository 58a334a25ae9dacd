"""Admin of the opportunities app, one module per area; work.py is the start page."""

from . import matching, opportunity, outbox, reference, trade, work

__all__ = ["matching", "opportunity", "outbox", "reference", "trade", "work"]
