"""Reads on companies: what a user may see, the directory, and a user's data export."""

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from companies.models import Company, CompanyProduct, Membership, PrivacyNotice, User

NOTICE_CACHE_KEY = "privacy-notice-current"
NOTICE_CACHE_SECONDS = 60  # a newly published version reaches every page within a minute


def member_company(user: User, pk: int) -> Company:
    """The company `pk` if the user is a member of it; otherwise 404 (never 403: no hints)."""
    company = Company.objects.of_user(user).filter(pk=pk).select_related("region").first()
    if company is None:
        raise Http404
    return company


def exported_codes(company: Company) -> list[str]:
    """The HS codes the company exports."""
    return list(company.products.filter(direction="export").values_list("hs_code_id", flat=True))


def is_member(user: User, company: Company) -> bool:
    return company.memberships.filter(user=user).exists()


def membership_of(user: User, company: Company) -> Membership:
    return company.memberships.get(user=user)


def directory() -> QuerySet:
    """Verified companies that chose a public page, with what the directory cards show."""
    products = CompanyProduct.objects.select_related("hs_code").order_by("direction", "hs_code_id")
    return (
        Company.objects.in_directory()
        .select_related("region")
        .prefetch_related("sectors", Prefetch("products", queryset=products))
        .order_by("legal_name", "pk")
    )


def export_user_data(user: User) -> dict:
    """Everything the site holds about the user and their companies, as JSON-ready data."""
    memberships = user.memberships.select_related("company__region").prefetch_related(
        "company__sectors", "company__products", "company__memberships__user"
    )
    return {
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "privacy_consents": [
            {"version": c.notice.version, "accepted_at": c.accepted_at.isoformat()}
            for c in user.privacy_consents.select_related("notice").order_by("accepted_at")
        ],
        "companies": [_company_export(m) for m in memberships],
    }


def _company_export(membership: Membership) -> dict:
    company = membership.company
    fields = [
        "legal_name",
        "trade_name",
        "country",
        "tax_id",
        "city",
        "website",
        "year_founded",
        "size",
        "certifications",
        "other_certifications",
        "languages",
        "description",
        "is_public",
        "status",
    ]
    data = {field: getattr(company, field) for field in fields}
    data.update(
        {
            "region": company.region_id,
            "sectors": [s.slug for s in company.sectors.all()],
            "products": [
                {
                    "hs_code": p.hs_code_id,
                    "direction": p.direction,
                    "yearly_volume_usd": str(p.yearly_volume_usd) if p.yearly_volume_usd else None,
                }
                for p in company.products.all()
            ],
            "my_role": membership.role,
            "my_notifications": {
                "frequency": membership.notify_frequency,
                "min_score": membership.notify_min_score,
            },
            "members": [m.user.email for m in company.memberships.all()],
            "matches": list(
                company.matches.values(
                    "kind", "opportunity_id", "counterpart_id", "score", "status", "created_at"
                )
            ),
            "interests": list(
                company.interests.values(
                    "opportunity_id", "target_company_id", "message", "status", "created_at"
                )
            ),
        }
    )
    return data


def current_privacy_notice() -> PrivacyNotice | None:
    """The privacy notice in force (cached for NOTICE_CACHE_SECONDS)."""
    notice = cache.get(NOTICE_CACHE_KEY)
    if notice is None:
        notice = PrivacyNotice.objects.current() or False
        cache.set(NOTICE_CACHE_KEY, notice, NOTICE_CACHE_SECONDS)
    return notice or None


def has_accepted(user: User, notice: PrivacyNotice) -> bool:
    return user.privacy_consents.filter(notice=notice).exists()
