"""Writes on buyer requests and curated opportunities: moderation, publication, closing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.services import email_members
from opportunities.listings.models import Opportunity
from tradeportal.text import fold


def _search_text(opportunity: Opportunity) -> str:
    code = opportunity.hs_code
    return fold(
        f"{opportunity.title} {opportunity.description} {code.code} {code.description_es} "
        f"{code.description_en}"
    )


@transaction.atomic
def save_buyer_request(
    *, company, user, data: dict, opportunity: Opportunity | None = None
) -> Opportunity:
    """Create or edit a company's buyer request; it (re)enters moderation before publication."""
    if company.status != company.Status.VERIFIED:
        raise PermissionDenied(_("Only verified companies can post buyer requests."))
    if opportunity is not None and opportunity.company_id != company.pk:
        raise PermissionDenied(_("This buyer request belongs to another company."))
    if data.get("deadline") and data["deadline"] <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    request = opportunity or Opportunity(
        kind=Opportunity.Kind.REQUEST, company=company, created_by=user
    )
    for field, value in data.items():
        setattr(request, field, value)
    request.market_country = company.country
    request.market_region = company.region
    request.status = Opportunity.Status.PENDING
    request.search_text = _search_text(request)
    request.save()
    return request


@transaction.atomic
def moderate(*, opportunities, publish: bool, note: str = "") -> int:
    """Publish or reject buyer requests awaiting moderation; the poster is told by email."""
    now, count = timezone.now(), 0
    for request in opportunities.filter(status=Opportunity.Status.PENDING).select_related(
        "company"
    ):
        request.status = Opportunity.Status.PUBLISHED if publish else Opportunity.Status.REJECTED
        request.published_at = now if publish else None
        request.moderation_note = note
        request.save(update_fields=["status", "published_at", "moderation_note", "updated_at"])
        _tell_poster(request, "request-moderated", {"published": publish, "note": note})
        count += 1
    return count


@transaction.atomic
def close_request(*, opportunity: Opportunity, reason: str = "closed") -> None:
    """Close a buyer request (by its company, or at its deadline); it is kept, not deleted."""
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    _tell_poster(opportunity, "request-closed", {"reason": reason})


def close_expired_requests() -> int:
    """Close every published buyer request whose deadline has passed (a beat task runs this)."""
    expired = Opportunity.objects.filter(
        kind=Opportunity.Kind.REQUEST, status="published", deadline__lt=timezone.now()
    )
    count = 0
    for opportunity in expired.select_related("company"):
        close_request(opportunity=opportunity, reason="deadline")
        count += 1
    return count


@transaction.atomic
def publish_curated(*, opportunity: Opportunity) -> Opportunity:
    """Publish an opportunity written by staff (a tender, a fair, a programme)."""
    opportunity.status = Opportunity.Status.PUBLISHED
    opportunity.published_at = opportunity.published_at or timezone.now()
    opportunity.search_text = _search_text(opportunity)
    opportunity.save()
    return opportunity


def _tell_poster(opportunity: Opportunity, template: str, extra: dict) -> None:
    if opportunity.company_id is None:
        return
    email_members(
        company=opportunity.company,
        template=template,
        key=f"{template}:{opportunity.pk}:{{user}}:{opportunity.status}",
        link=opportunity.get_absolute_url,
        context={"title": opportunity.title, **extra},
    )
