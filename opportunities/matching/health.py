"""Matching health for staff: the last full run, matches per company and the companies left
without a match, each with the reason (read-only selectors, a few aggregate queries)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company, CompanyProduct
from opportunities.listings.models import Opportunity
from opportunities.matching.models import Match, MatchingRun

NO_PRODUCTS = "no_products"
NO_DEMAND = "no_demand"
BELOW_FLOOR = "below_floor"

WHY = {
    NO_PRODUCTS: _("No products declared: nothing to match on."),
    NO_DEMAND: _("No open opportunity in their HS chapters outside their own country."),
    BELOW_FLOOR: _("Candidates exist but all score below the floor."),
}


def last_full_run():
    return (
        MatchingRun.objects.filter(kind=MatchingRun.Kind.FULL, finished_at__isnull=False)
        .order_by("-started_at")
        .first()
    )


def matches_per_company() -> dict:
    """Average, maximum and a small histogram of live matches per company."""

    counts = list(
        Company.objects.annotate(n=Count("matches", filter=Q(matches__is_stale=False))).values_list(
            "n", flat=True
        )
    )
    buckets = [(0, 0), (1, 9), (10, 49), (50, 99), (100, None)]
    histogram = [
        (
            f"{low}" if high == low else f"{low}+" if high is None else f"{low}–{high}",
            sum(1 for n in counts if n >= low and (high is None or n <= high)),
        )
        for low, high in buckets
    ]
    return {
        "companies": len(counts),
        "average": round(sum(counts) / len(counts), 1) if counts else 0,
        "maximum": max(counts, default=0),
        "histogram": histogram,
    }


def unmatched(limit: int = 50) -> dict:
    """Companies without a live match, counted by reason, with the first `limit` listed."""

    live = Match.objects.filter(company=OuterRef("pk"), is_stale=False)
    products = CompanyProduct.objects.filter(company=OuterRef("pk"))
    companies = (
        Company.objects.annotate(has_match=Exists(live), has_products=Exists(products))
        .filter(has_match=False)
        .order_by("legal_name")
    )
    markets: dict[str, set[str]] = {}  # country -> HS chapters with open demand there
    for country, code in Opportunity.objects.open().values_list("market_country", "hs_code_id"):
        markets.setdefault(country, set()).add(code[:2])
    product_chapters: dict[int, set[str]] = {}
    ids = list(companies.values_list("pk", flat=True))
    for company_id, code in CompanyProduct.objects.filter(company_id__in=ids).values_list(
        "company_id", "hs_code_id"
    ):
        product_chapters.setdefault(company_id, set()).add(code[:2])
    counts = dict.fromkeys(WHY, 0)
    listed = []
    for company in companies.only("pk", "legal_name", "trade_name", "country"):
        mine = product_chapters.get(company.pk, set())
        foreign = set().union(*(v for k, v in markets.items() if k != company.country))
        if not company.has_products:
            reason = NO_PRODUCTS
        elif not (mine & foreign):
            reason = NO_DEMAND
        else:
            reason = BELOW_FLOOR
        counts[reason] += 1
        if len(listed) < limit:
            listed.append((company, WHY[reason]))
    return {
        "total": sum(counts.values()),
        "by_reason": [(WHY[k], v) for k, v in counts.items()],
        "listed": listed,
    }


def report() -> dict:
    return {
        "last_run": last_full_run(),
        "per_company": matches_per_company(),
        "unmatched": unmatched(),
    }
