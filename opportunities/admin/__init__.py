"""Admin of the opportunities app, one module per area."""

from . import matching, opportunity, outbox, reference, trade

__all__ = ["matching", "opportunity", "outbox", "reference", "trade"]
