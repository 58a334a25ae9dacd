"""Admin of the opportunities app, one module per area."""

from . import guide, matching, opportunity, outbox, reference, trade

__all__ = ["guide", "matching", "opportunity", "outbox", "reference", "trade"]
