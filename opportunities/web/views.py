"""Public pages: home, browse opportunities, one opportunity, sectors, insights, methodology."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.context_processors import chosen_company
from companies.models import Company
from opportunities.listings import services
from opportunities.listings.filters import OpportunityFilter, open_opportunities
from opportunities.listings.forms import BuyerRequestForm
from opportunities.matching import outcomes
from opportunities.matching import services as matching_services
from opportunities.models import Opportunity, Sector
from opportunities.trade import chapters, charts, provenance
from opportunities.trade.figures import headline_figures
from opportunities.web import cards
from tradeportal.i18n import ALPHA3, country_name
from tradeportal.pagecache import DIRECTORY, OPPORTUNITIES, SECTORS, TRADE, cache_public_page
from tradeportal.paging import WindowCountPaginator

PAGE_SIZE = 20
# The opportunity page's own fields (templates/opportunities/detail.html) and its cache key's.
PAGE_FIELDS = (
    "pk",
    "kind",
    "status",
    "title",
    "company_id",
    "hs_code_id",
    "updated_at",
    "hs_code__description_es",
    "hs_code__description_en",
)


@cache_public_page(SECTORS, TRADE)
def home(request):
    """Show the bilateral figures from the article and the sectors to explore."""
    context = {
        "figures": headline_figures(),
        "sectors": Sector.objects.active(),
        "results": outcomes.results(),
    }
    return render(request, "home.html", context)


@cache_public_page(OPPORTUNITIES, SECTORS, DIRECTORY, filters=OpportunityFilter)
def browse(request):
    """List open opportunities with search, filters and sorting from the URL."""
    filterset = OpportunityFilter(request.GET, queryset=open_opportunities())
    # Pick the page's ids on the opportunity table alone, then load those rows with what the
    # cards show: joining the HS codes before the sort made PostgreSQL hash the whole table.
    rows = filterset.qs.select_related(None).only("pk", "updated_at", "hs_code_id")
    # Search results are read whole to be ranked: their total comes with the page (paging.py).
    paginator = WindowCountPaginator if filterset.ranked else Paginator
    page = paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # The cards come from the cache (opportunities.web.cards); only the missing ones are loaded.
    page.object_list = list(page.object_list)
    page_cards = cards.rendered(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "cards": page_cards,
        "query": query.urlencode(),
        "chips": filterset.active(query),
    }
    template = "opportunities/browse_results.html" if request.htmx else "opportunities/browse.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the results alone for htmx, else the page
    return response


@cache_public_page(OPPORTUNITIES, SECTORS, DIRECTORY, TRADE)
def opportunity_detail(request, pk: int):
    """Show one published opportunity with the numbers behind it, charted and tabled."""
    # What the page shows around its body (the body itself is read whole only to render it).
    opportunity = get_object_or_404(
        open_opportunities()
        .exclude(status="draft")
        .select_related(None)
        .select_related("hs_code")
        .only(*PAGE_FIELDS),
        pk=pk,
    )
    # Its numbers, charts and tables are rendered once per version (opportunities.web.cards);
    # what depends on the visitor (the quote and interest forms) is rendered each time.
    body = cards.cached(
        "opportunity-page",
        opportunity,
        (SECTORS, TRADE, DIRECTORY),
        lambda: render_to_string("opportunities/detail_body.html", _detail_context(pk)),
    )
    # The largest others of its HS chapter, read in opportunity_chapter_value_idx's order.
    related = (
        open_opportunities()
        .select_related(None)
        .only("pk", "updated_at")
        .alias(chapter=Substr("hs_code", 1, 2))
        .filter(chapter=opportunity.hs_code_id[:2], value_usd__isnull=False)
        .exclude(pk=opportunity.pk)
        .order_by("-value_usd", "-pk")[:5]
    )
    context = {"opportunity": opportunity, "body": body, "related": cards.rendered(list(related))}
    return render(request, "opportunities/detail.html", context)


def _detail_context(pk: int) -> dict:
    opportunity = open_opportunities().get(pk=pk)
    context = {"opportunity": opportunity, **_demand_charts(opportunity)}
    if opportunity.kind == Opportunity.Kind.DEMAND:
        chapter = chapters.chapter_totals(
            ALPHA3[opportunity.market_country], opportunity.hs_code_id[:2]
        )
        context["chapter"] = chapter.rows[0] if chapter else None
        context["chapter_dataset"] = chapter.dataset if chapter else None
    return context


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


@cache_public_page(SECTORS)
def sector_list(request):
    """List the active sectors."""
    return render(request, "opportunities/sector_list.html", {"sectors": Sector.objects.active()})


@cache_public_page(SECTORS, OPPORTUNITIES, DIRECTORY)
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
        "results": outcomes.results(sector),
        "markets": markets,
        "firms_mx": firms.get("MX", 0),
        "firms_pe": firms.get("PE", 0),
        "opportunities": opportunities,
    }
    return render(request, "opportunities/sector_detail.html", context)


@cache_public_page(OPPORTUNITIES, TRADE)
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


MARKET_PAGES = {"mx": "MEX", "pe": "PER"}
CHAPTER_SORTS = {
    "imports": lambda row: -row.imports,
    "exports": lambda row: -row.exports,
    "rca": lambda row: -(row.rca or 0),
    "code": lambda row: row.code,
}


@cache_public_page(TRADE, params=("sort",))
def market(request, code: str):
    """One country's real imports and exports by HS chapter, the world's, and its RCA."""
    if code not in MARKET_PAGES:
        raise Http404
    country = MARKET_PAGES[code]
    trade = chapters.chapter_trade(country)
    sort = request.GET.get("sort") if request.GET.get("sort") in CHAPTER_SORTS else "imports"
    rows = sorted(trade.rows, key=CHAPTER_SORTS[sort]) if trade else []
    top = sorted(rows, key=CHAPTER_SORTS["imports"])[:10]
    context = {
        "code": code,
        "country_name": country_name(country),
        "trade": trade,
        "rows": rows,
        "sort": sort,
        "sorts": [
            ("imports", _("imports")),
            ("exports", _("exports")),
            ("rca", _("comparative advantage")),
            ("code", _("chapter")),
        ],
        "imports_chart": charts.bar_chart(
            _("Largest imports by HS chapter"),
            [(f"{r.code} {r.description}", float(r.imports)) for r in top],
        ),
    }
    return render(request, "opportunities/market.html", context)


@cache_public_page(TRADE)
def methodology(request):
    """Explain how market demand and its potential are computed, and their limits, and list
    the loaded datasets with their source, licence and coverage."""
    return render(
        request, "opportunities/methodology.html", {"datasets": provenance.loaded_datasets()}
    )


@login_required
def request_form(request, pk: int | None = None):
    """Post a buyer request for the current company, or edit one; staff moderate it."""
    company = _current_company(request)
    opportunity = None
    if pk is not None:
        opportunity = get_object_or_404(Opportunity.objects.filter(company=company), pk=pk)
    form = BuyerRequestForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_buyer_request(
                company=company,
                user=request.user,
                data=dict(form.cleaned_data),
                opportunity=opportunity,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your buyer request was sent; our team publishes it after a quick review."),
            )
            return redirect("opportunities:my_requests")
    return render(
        request,
        "opportunities/request_form.html",
        {"form": form, "company": company, "opportunity": opportunity},
    )


# What the list of a firm's buyer requests shows of each (not the description nor the figures).
MY_REQUESTS_FIELDS = (
    "title",
    "status",
    "moderation_note",
    "deadline",
    "hs_code__description_es",
    "hs_code__description_en",
)


@login_required
def my_requests(request):
    """The current company's buyer requests, with their status."""
    company = _current_company(request)
    requests = (
        Opportunity.objects.filter(company=company)
        .select_related("hs_code")
        .only(*MY_REQUESTS_FIELDS)
    )
    return render(
        request,
        "opportunities/my_requests.html",
        {"company": company, "requests": requests.order_by("-created_at")},
    )


@login_required
@require_POST
def request_close(request, pk: int):
    company = _current_company(request)
    opportunity = get_object_or_404(Opportunity.objects.filter(company=company), pk=pk)
    matching_services.close_request(opportunity=opportunity)
    messages.success(request, _("The buyer request is closed."))
    return redirect("opportunities:my_requests")


def _current_company(request):
    company = chosen_company(request)
    if company is None:
        raise Http404
    return company
