"""Template filters for numbers in the reader's language: {% load formatting %}.

{{ value|usd }} US$ 16,0 M · {{ value|price }} US$ 1,80 · {{ value|percent }} 4,7 % ·
{{ value|number }} 1.260 · {{ value|quantity }} 2,5 · {{ match.score|score }} 95
"""

from django import template

from tradeportal import formatting, text

register = template.Library()


@register.filter
def usd(value) -> str:
    """A compact US dollar amount in the active language."""
    return formatting.usd(value)


@register.filter
def price(value) -> str:
    """An exact US dollar amount with its cents."""
    return formatting.price(value)


@register.filter
def percent(value, decimals=1) -> str:
    """A percentage with the active language's separator and spacing."""
    return formatting.percent(value, int(decimals))


@register.filter
def number(value, decimals=0) -> str:
    """A number with the active language's separators."""
    return formatting.number(value, int(decimals))


@register.filter
def quantity(value) -> str:
    """A quantity with only the decimals it has."""
    return formatting.quantity(value)


@register.filter
def score(value):
    """A match score, rounded as everywhere else."""
    return formatting.score(value)


@register.filter
def before_period(value) -> str:
    """A name a sentence's period follows, without its own final period (S.A. de C.V.)."""
    return text.before_period(value)
