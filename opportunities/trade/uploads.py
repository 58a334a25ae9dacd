"""Trade files staff upload in the admin: imported all or nothing, the result on the upload."""

from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.trade.importing import import_trade_file
from opportunities.trade.models import TradeUpload
from tradeportal.formatting import number
from tradeportal.importing import ImportRejected


def upload_progress_key(upload_id: int) -> str:
    return f"trade-upload:{upload_id}:progress"


def upload_progress(upload_id: int) -> str:
    """What the import of an upload has done so far ("120 000 filas"), while it runs."""
    return cache.get(upload_progress_key(upload_id), "")


def import_trade_upload(upload_id: int) -> str:
    """Import an uploaded trade file, all or nothing, and record on the upload how it went.

    The upload row stays locked while its import runs, so a redelivered task waits for nothing
    and skips it; a worker that dies mid-import leaves it queued (the import rolls back) for the
    redelivery to run again. Progress goes to the cache (the import's own transaction hides it
    from every other connection).
    """

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
