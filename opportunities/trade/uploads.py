"""Trade files staff upload in the admin: imported all or nothing, the result on the upload."""

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.trade.importing import import_trade_file
from opportunities.trade.models import TradeUpload
from tradeportal.importing import ImportRejected


def import_trade_upload(upload_id: int) -> str:
    """Import an uploaded trade file, all or nothing, and record on the upload how it went.

    The upload row stays locked while its import runs, so a redelivered task waits for nothing
    and skips it; a worker that dies mid-import leaves it queued (the import rolls back) for the
    redelivery to run again.
    """
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
                )
        except ImportRejected as rejected:
            upload.status = TradeUpload.Status.REJECTED
            upload.message = _("Rejected, nothing was written: %(reason)s") % {"reason": rejected}
        else:
            upload.status = TradeUpload.Status.DONE
            upload.dataset = dataset
            upload.message = _("%(rows)s rows imported (%(first)s–%(last)s).") % {
                "rows": f"{dataset.rows:,}",
                "first": dataset.period_start,
                "last": dataset.period_end,
            }
        upload.finished_at = timezone.now()
        upload.save()
    return upload.status
