from django import template

from tradeportal import formatting

register = template.Library()


@register.filter
def usd(value) -> str:
    """Render a US dollar amount compactly in the active language."""
    return formatting.usd(value)
