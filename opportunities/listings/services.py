"""Writes on buyer requests and curated opportunities: moderation, publication, closing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.services import email_members
from opportunities.listings.models import Opportunity
from tradeportal import pagecache
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
    was_public = request.status == Opportunity.Status.PUBLISHED
    request.status = Opportunity.Status.PENDING
    request.search_text = _search_text(request)
    request.save()
    if was_public:  # back in moderation: it leaves the public pages
        pagecache.public_pages_changed(pagecache.OPPORTUNITIES)
    return request


@transaction.atomic
def moderate(*, opportunities, publish: bool, note: str = "") -> int:
    """Publish buyer requests awaiting moderation, or reject them (a published one too); the
    poster is told by email."""
    now, count = timezone.now(), 0
    movable = [Opportunity.Status.PENDING]
    if not publish:
        movable.append(Opportunity.Status.PUBLISHED)
    for request in opportunities.filter(status__in=movable).select_related("company"):
        request.status = Opportunity.Status.PUBLISHED if publish else Opportunity.Status.REJECTED
        request.published_at = now if publish else None
        request.moderation_note = note
        request.save(update_fields=["status", "published_at", "moderation_note", "updated_at"])
        _tell_poster(request, "request-moderated", {"published": publish, "note": note})
        count += 1
    if count and publish:
        pagecache.public_pages_changed(pagecache.OPPORTUNITIES)
    return count


@transaction.atomic
def close_request(*, opportunity: Opportunity, reason: str = "closed") -> None:
    """Close a buyer request (by its company, or at its deadline); it is kept, not deleted."""
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    pagecache.public_pages_changed(pagecache.OPPORTUNITIES)
    _tell_poster(opportunity, "request-closed", {"reason": reason})


def expire_requests() -> list[int]:
    """Close every published buyer request whose deadline has passed; return their ids (the
    matching layer's beat task calls this, then withdraws their matches)."""
    expired = Opportunity.objects.filter(
        kind=Opportunity.Kind.REQUEST, status="published", deadline__lt=timezone.now()
    )
    closed = []
    for opportunity in expired.select_related("company"):
        close_request(opportunity=opportunity, reason="deadline")
        closed.append(opportunity.pk)
    return closed


def close_expired_requests() -> int:
    """Close every published buyer request whose deadline has passed; return how many."""
    return len(expire_requests())


@transaction.atomic
def close_opportunities(*, opportunities, unpublish: bool = False) -> list[int]:
    """Close published opportunities, or take them back to draft (staff); return their ids."""
    chosen = list(opportunities.filter(status=Opportunity.Status.PUBLISHED))
    now = timezone.now()
    for opportunity in chosen:
        if unpublish:
            opportunity.status = Opportunity.Status.DRAFT
        else:
            opportunity.status, opportunity.closed_at = Opportunity.Status.CLOSED, now
        opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    return [o.pk for o in chosen]


@transaction.atomic
def reopen(*, opportunity: Opportunity) -> Opportunity:
    """Publish again a closed, rejected or draft opportunity (its deadline must be ahead)."""
    if opportunity.deadline and opportunity.deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    opportunity.status = Opportunity.Status.PUBLISHED
    opportunity.closed_at = None
    opportunity.published_at = opportunity.published_at or timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "published_at", "updated_at"])
    return opportunity


@transaction.atomic
def publish_curated(*, opportunity: Opportunity) -> Opportunity:
    """Publish an opportunity written by staff (a tender, a fair, a programme)."""
    opportunity.status = Opportunity.Status.PUBLISHED
    opportunity.published_at = opportunity.published_at or timezone.now()
    opportunity.search_text = _search_text(opportunity)
    opportunity.save()
    pagecache.public_pages_changed(pagecache.OPPORTUNITIES)
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
