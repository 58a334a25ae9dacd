"""The number filters of {% load formatting %} under their older name, and the scope of a figure."""

from django import template

from tradeportal import formatting
from tradeportal.templatetags.formatting import register as formatting_register

register = template.Library()
register.filters.update(formatting_register.filters)
register.tags.update(formatting_register.tags)


@register.simple_tag
def figure_scope(opportunity) -> str:
    """The area and period of an opportunity's figures: "Colima, diciembre 2024, 1 mes"."""
    area = (
        opportunity.market_region.name
        if opportunity.market_region_id
        else str(opportunity.get_market_country_display())
    )
    return formatting.scope(area, opportunity.period_end, opportunity.period_months)
