"""The number filters of {% load formatting %} under their older name, the scope of a figure, and
the "also export" section of the dashboard and the company page."""

from django import template
from django.utils.translation import get_language

from tradeportal import formatting, fragments
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


NEXT_PRODUCTS = "opportunities/productspace/next_products.html"


@register.simple_tag(takes_context=True)
def next_products_section(context, public: bool = False) -> str:
    """The "Exporters of what you sell also export…" section of `next_products`, rendered once
    per product set, language and company (its name and the add form's address) and kept in
    the cache; the request's CSRF token and return path are put in each time."""
    found = context.get("next_products")
    if not found:
        return ""
    company, can_add = context.get("company"), bool(context.get("can_add"))
    values = {"next_products": found, "company": company, "can_add": can_add, "public": public}
    key = found.key and (
        f"next-products-html:{fragments.template_stamp(NEXT_PRODUCTS)}:{get_language()}:"
        f"{fragments.digest(found.key, public, can_add, company.pk, company.display_name)}"
    )
    return fragments.rendered(key, NEXT_PRODUCTS, values, context["request"])
