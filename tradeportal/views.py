"""Site-wide endpoints: health and robots.txt (the home page is opportunities.web.views.home)."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from tradeportal import health as health_checks


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
