from django.shortcuts import get_object_or_404, render

from opportunities.models import Opportunity, Sector


def sector_detail(request, slug: str):
    """Show a sector: what the counterpart market buys and its open opportunities."""
    sector = get_object_or_404(Sector.objects.active(), slug=slug)
    return render(request, "opportunities/sector_detail.html", {"sector": sector})


def opportunity_detail(request, pk: int):
    """Show one published opportunity with the numbers behind it."""
    opportunity = get_object_or_404(
        Opportunity.objects.published().select_related("hs_code", "sector", "market_region"), pk=pk
    )
    return render(request, "opportunities/detail.html", {"opportunity": opportunity})
