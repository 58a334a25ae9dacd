"""Site-wide pages: the home page and the health endpoint."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tradeportal import health as health_checks
from tradeportal.figures import headline_figures
from tradeportal.pagecache import cache_public_page


@cache_public_page
def home(request):
    """Show the bilateral figures from the article and the sectors to explore."""
    from opportunities.matching.outcomes import results
    from opportunities.models import Sector

    context = {
        "figures": headline_figures(),
        "sectors": Sector.objects.active(),
        "results": results(),
    }
    return render(request, "home.html", context)


@never_cache
def health(request):
    """Report database, cache/broker and worker status as JSON (503 if the database is down)."""
    report = health_checks.check_all()
    status = 200 if report["database"]["ok"] else 503
    return JsonResponse(report, status=status)


def robots_txt(request):
    """Tell crawlers what to skip (accounts, private pages, the API)."""
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /companies/mine/",
        "Disallow: /dashboard/",
        "Disallow: /api/",
        "Allow: /",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
