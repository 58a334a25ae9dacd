"""The number filters under their older name: {% load trade %} is {% load formatting %}."""

from tradeportal.templatetags.formatting import register

__all__ = ["register"]
