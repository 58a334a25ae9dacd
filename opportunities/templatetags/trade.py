from django import template

from tradeportal import formatting

register = template.Library()


@register.filter
def usd(value) -> str:
    """Render a US dollar amount compactly in the active language."""
    return formatting.usd(value)


@register.simple_tag
def figure_scope(opportunity) -> str:
    """The area and period of an opportunity's figures: "Colima, diciembre 2024, 1 mes"."""
    area = (
        opportunity.market_region.name
        if opportunity.market_region_id
        else str(opportunity.get_market_country_display())
    )
    return formatting.scope(area, opportunity.period_end, opportunity.period_months)
