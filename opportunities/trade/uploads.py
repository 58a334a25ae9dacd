"""Trade files staff upload in the admin: imported all or nothing, the result on the upload."""

from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class UploadProgress:
    """How far the import of an upload is: rows written of the file's data lines, and the
    importer's last message."""

    rows: int = 0
    total: int = 0
    message: str = ""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.rows / self.total)) if self.total else 0


def upload_state(upload_id: int) -> UploadProgress:
    return cache.get(upload_progress_key(upload_id)) or UploadProgress()


def upload_progress(upload_id: int) -> str:
    """What the import of an upload has done so far ("120 000 filas"), while it runs."""
    return upload_state(upload_id).message


def data_lines(path: Path) -> int:
    """The lines of a CSV after its header (the import's 100 %), read in 1 MB blocks."""
    with path.open("rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        handle.seek(max(0, handle.seek(0, 2) - 1))
        last_is_open = handle.read(1) not in (b"\n", b"")
    return max(0, lines + last_is_open - 1)


class _Reporter:
    """The import's progress into the cache, where the upload's page reads it."""

    def __init__(self, upload_id: int, total: int):
        self.key = upload_progress_key(upload_id)
        self.state = UploadProgress(total=total)
        self._save()

    def _save(self) -> None:
        cache.set(self.key, self.state, timeout=24 * 3600)

    def __call__(self, message: str) -> None:
        self.state = replace(self.state, message=str(message))
        self._save()

    def rows_done(self, rows: int) -> None:
        self.state = replace(self.state, rows=rows)
        self._save()


def import_trade_upload(upload_id: int) -> str:
    """Import an uploaded trade file, all or nothing, and record on the upload how it went.

    The upload row stays locked while its import runs, so a redelivered task waits for nothing
    and skips it; a worker that dies mid-import leaves it queued (the import rolls back) for the
    redelivery to run again. Progress goes to the cache (the import's own transaction hides it
    from every other connection).
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
            path = Path(upload.file.path)
            progress = _Reporter(upload_id, data_lines(path) if path.is_file() else 0)
            with transaction.atomic():
                dataset = import_trade_file(
                    path=path,
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
