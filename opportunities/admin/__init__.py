"""Admin of the opportunities app, one module per area."""

from . import conversation, matching, opportunity, outbox, reference, trade

__all__ = ["conversation", "matching", "opportunity", "outbox", "reference", "trade"]
