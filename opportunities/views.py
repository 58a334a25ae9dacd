"""Public pages: browse opportunities, one opportunity, sectors, market insights, methodology."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from opportunities import charts
from opportunities.filters import OpportunityFilter, open_opportunities
from opportunities.models import Opportunity, Sector
from tradeportal.figures import headline_figures
from tradeportal.i18n import country_name

PAGE_SIZE = 20


def browse(request):
    """List open opportunities with search, filters and sorting from the URL."""
    filterset = OpportunityFilter(request.GET, queryset=open_opportunities())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "opportunities/browse_results.html" if request.htmx else "opportunities/browse.html"
    return render(request, template, context)


def opportunity_detail(request, pk: int):
    """Show one published opportunity with the numbers behind it, charted and tabled."""
    opportunity = get_object_or_404(open_opportunities().exclude(status="draft"), pk=pk)
    related = (
        open_opportunities()
        .filter(hs_code__code__startswith=opportunity.hs_code_id[:2])
        .exclude(pk=opportunity.pk)
        .order_by("-value_usd")[:5]
    )
    context = {"opportunity": opportunity, "related": related, **_demand_charts(opportunity)}
    return render(request, "opportunities/detail.html", context)


def _demand_charts(opportunity: Opportunity) -> dict:
    figures = opportunity.figures or {}
    if not figures.get("years"):
        return {}
    partner = "MEX" if opportunity.market_country == "PE" else "PER"
    years = [str(year) for year in figures["years"]]
    over_time = charts.bar_chart(
        _("Imports from the world by year"), list(zip(years, figures["world"], strict=True))
    )
    origins = [(country_name(code), value) for code, value in figures["origins"]]
    by_origin = charts.bar_chart(
        _("Main suppliers in %(year)s") % {"year": years[-1]},
        origins,
        highlight=country_name(partner),
    )
    rows = list(zip(years, figures["world"], figures["partner"], strict=True))
    return {
        "over_time": over_time,
        "by_origin": by_origin,
        "year_rows": rows,
        "origin_rows": origins,
        "partner_name": country_name(partner),
    }


def sector_list(request):
    """List the active sectors."""
    return render(request, "opportunities/sector_list.html", {"sectors": Sector.objects.active()})


def sector_detail(request, slug: str):
    """Show what each market buys in a sector, its open opportunities and the firms in it."""
    sector = get_object_or_404(Sector.objects.active(), slug=slug)
    demand = open_opportunities().filter(
        sector=sector, kind=Opportunity.Kind.DEMAND, market_region__isnull=True
    )
    markets = [
        {
            "country": code,
            "name": name,
            "products": list(demand.filter(market_country=code).order_by("-value_usd")[:10]),
        }
        for code, name in (("PE", _("Peru")), ("MX", _("Mexico")))
    ]
    from companies.models import Company

    firms = dict(
        Company.objects.verified()
        .filter(sectors=sector)
        .values_list("country")
        .annotate(n=Count("pk"))
    )
    opportunities = (
        open_opportunities()
        .filter(sector=sector)
        .exclude(kind=Opportunity.Kind.DEMAND)
        .order_by("deadline")[:10]
    )
    context = {
        "sector": sector,
        "markets": markets,
        "firms_mx": firms.get("MX", 0),
        "firms_pe": firms.get("PE", 0),
        "opportunities": opportunities,
    }
    return render(request, "opportunities/sector_detail.html", context)


def insights(request):
    """The bilateral picture: the article's figures, top products each way, states."""
    demand = open_opportunities().filter(kind=Opportunity.Kind.DEMAND, market_region__isnull=True)
    flows = {
        market: list(
            demand.filter(market_country=market, imports_partner_usd__gt=0).order_by(
                "-imports_partner_usd"
            )[:10]
        )
        for market in ("PE", "MX")
    }
    figures = headline_figures()

    def bar_rows(items):
        return [
            (f"{o.hs_code_id} {o.hs_code.description}", float(o.imports_partner_usd)) for o in items
        ]

    context = {
        "figures": figures,
        "mx_to_pe": flows["PE"],
        "pe_to_mx": flows["MX"],
        "mx_to_pe_chart": charts.bar_chart(_("What Peru buys from Mexico"), bar_rows(flows["PE"])),
        "pe_to_mx_chart": charts.bar_chart(_("What Mexico buys from Peru"), bar_rows(flows["MX"])),
        "balance_chart": charts.bar_chart(
            _("Trade balance with Peru by Mexican state, 2024"),
            [(f.region, float(f.value_usd)) for f in figures["mx_states_balance"]],
        ),
        "demo": any(o.is_demo for o in flows["PE"] + flows["MX"]),
    }
    return render(request, "opportunities/insights.html", context)


def methodology(request):
    """Explain how market demand and its potential are computed, and their limits."""
    return render(request, "opportunities/methodology.html")
