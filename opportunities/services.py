"""Writes on buyer requests and curated opportunities: moderation, publication, closing."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opportunities.models import Opportunity
from opportunities.notifications import enqueue_email
from tradeportal.formatting import number
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
        _match(request)
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
    _match(opportunity)
    return opportunity


def _match(opportunity: Opportunity) -> None:
    try:
        from opportunities.matching import tasks
    except ImportError:  # the matching engine is not installed yet
        return
    transaction.on_commit(lambda: tasks.match_opportunity.delay(opportunity.pk))


def _tell_poster(opportunity: Opportunity, template: str, extra: dict) -> None:
    from django.conf import settings

    if opportunity.company_id is None:
        return
    for membership in opportunity.company.memberships.select_related("user"):
        user = membership.user
        with translation.override(user.language):
            link = settings.SITE_URL.rstrip("/") + opportunity.get_absolute_url()
        enqueue_email(
            key=f"{template}:{opportunity.pk}:{user.pk}:{opportunity.status}",
            to_email=user.email,
            user=user,
            template=template,
            language=user.language,
            context={"title": opportunity.title, "link": link, **extra},
        )


def upload_progress_key(upload_id: int) -> str:
    return f"trade-upload:{upload_id}:progress"


def upload_progress(upload_id: int) -> str:
    """What the import of an upload has done so far ("120.000 filas"), while it runs."""
    return cache.get(upload_progress_key(upload_id), "")


def import_trade_upload(upload_id: int) -> str:
    """Import an uploaded trade file, all or nothing, and record on the upload how it went.

    The upload row stays locked while its import runs, so a redelivered task waits for nothing
    and skips it; a worker that dies mid-import leaves it queued (the import rolls back) for the
    redelivery to run again. Progress goes to the cache (the import's own transaction hides it
    from every other connection); demand is regenerated by the caller, after the commit.
    """
    from pathlib import Path

    from opportunities.importers import ImportRejected, import_trade_file
    from opportunities.models import TradeUpload

    def progress(message: str) -> None:
        cache.set(upload_progress_key(upload_id), str(message), timeout=24 * 3600)

    with transaction.atomic():
        upload = (
            TradeUpload.objects.select_for_update(skip_locked=True)
            .filter(pk=upload_id, status=TradeUpload.Status.QUEUED)
            .first()
        )
        if upload is None:
            return "skipped"
        try:
            with transaction.atomic():
                dataset = import_trade_file(
                    path=Path(upload.file.path),
                    fmt=upload.format,
                    name=upload.name or None,
                    version=upload.version,
                    progress=progress,
                    regenerate_demand=False,
                )
        except ImportRejected as rejected:
            upload.status = TradeUpload.Status.REJECTED
            upload.message = _("Rejected, nothing was written: %(reason)s") % {"reason": rejected}
        else:
            upload.status = TradeUpload.Status.DONE
            upload.dataset = dataset
            upload.message = _("%(rows)s rows imported (%(first)s–%(last)s).") % {
                "rows": number(dataset.rows),
                "first": dataset.period_start,
                "last": dataset.period_end,
            }
        upload.finished_at = timezone.now()
        upload.save()
    cache.delete(upload_progress_key(upload_id))
    return upload.status


def record_upload_summary(*, upload_id: int, demand: dict[str, int], companies: int) -> None:
    """Add to an imported upload's result what it changed: opportunities and firms rematched."""
    from opportunities.models import TradeUpload

    upload = TradeUpload.objects.get(pk=upload_id)
    summary = _(
        "Opportunities: %(published)s published, %(updated)s updated, %(closed)s closed. "
        "Rematching %(companies)s firms."
    ) % {
        "published": number(demand.get("published", 0)),
        "updated": number(demand.get("updated", 0)),
        "closed": number(demand.get("closed", 0)),
        "companies": number(companies),
    }
    upload.message = f"{upload.message} {summary}"
    upload.save(update_fields=["message"])
