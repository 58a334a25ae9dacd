"""Site-wide pages: the home page and the health endpoint."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tradeportal import health as health_checks
from tradeportal.figures import headline_figures


def home(request):
    """Show the bilateral figures from the article and the sectors to explore."""
    from opportunities.models import Sector

    context = {
        "figures": headline_figures(),
        "sectors": Sector.objects.active(),
    }
    return render(request, "home.html", context)


@never_cache
def health(request):
    """Report database, cache/broker and worker status as JSON (503 if the database is down)."""
    report = health_checks.check_all()
    status = 200 if report["database"]["ok"] else 503
    return JsonResponse(report, status=status)
