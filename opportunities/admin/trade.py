import threading

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opportunities.matching import tasks
from opportunities.models import TradeDataset, TradeFlow, TradeUpload
from opportunities.trade import uploads
from tradeportal.pagecache import AREAS, TRADE, ChangesPublicPages
from tradeportal.uploads import check_csv


@admin.register(TradeDataset)
class TradeDatasetAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = AREAS
    list_display = [
        "name",
        "source",
        "version",
        "rows",
        "period_start",
        "period_end",
        "is_synthetic",
        "licence",
        "source_link",
        "fetched_at",
        "imported_at",
    ]
    list_filter = ["source", "is_synthetic"]
    search_fields = ["name", "version"]
    readonly_fields = ["rows", "coverage", "imported_at"]

    @admin.display(description=_("source URL"))
    def source_link(self, obj):
        if not obj.source_url:
            return "—"
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.source_url, obj.source_url)


@admin.register(TradeFlow)
class TradeFlowAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = (TRADE,)
    list_display = [
        "reporter",
        "region",
        "partner",
        "flow",
        "hs_code",
        "year",
        "month",
        "value_usd",
        "dataset",
    ]
    list_filter = ["flow", "reporter", "year", "dataset__source"]
    search_fields = ["hs_code__code", "partner", "label"]
    raw_id_fields = ["hs_code", "region", "dataset"]
    show_full_result_count = False


class TradeUploadForm(forms.ModelForm):
    class Meta:
        model = TradeUpload
        fields = ["file", "format", "name", "version"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_csv(upload, max_bytes=settings.TRADE_UPLOAD_MAX_BYTES)
        return upload


STATUS_TEMPLATE = "admin/opportunities/tradeupload/status.html"


@admin.register(TradeUpload)
class TradeUploadAdmin(admin.ModelAdmin):
    """Staff upload a trade data file; a worker imports it (all or nothing) and says how it went."""

    form = TradeUploadForm
    list_display = ["__str__", "format", "status", "created_at", "finished_at", "uploaded_by"]
    list_filter = ["status", "format"]
    readonly_fields = [
        "status",
        "progress",
        "message",
        "dataset",
        "uploaded_by",
        "created_at",
        "finished_at",
    ]
    change_form_template = "admin/opportunities/tradeupload/change_form.html"

    @admin.display(description=_("progress"))
    def progress(self, obj) -> str:
        if obj.status != TradeUpload.Status.QUEUED:
            return "—"
        return uploads.upload_progress(obj.pk) or _("Waiting for a worker…")

    def get_urls(self):
        view = self.admin_site.admin_view(self.status_view)
        status = path("<int:object_id>/status/", view, name="opportunities_tradeupload_status")
        return [status, *super().get_urls()]

    def status_context(self, upload: TradeUpload) -> dict:
        return {
            "upload": upload,
            "queued": upload.status == TradeUpload.Status.QUEUED,
            "state": uploads.upload_state(upload.pk),
            "status_url": reverse("admin:opportunities_tradeupload_status", args=[upload.pk]),
        }

    def status_view(self, request, object_id: int):
        """The import's progress bar, then its result: what the upload's page reads every 2 s
        (htmx) while the import runs."""
        upload = get_object_or_404(TradeUpload, pk=object_id)
        return render(request, STATUS_TEMPLATE, self.status_context(upload))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        upload = TradeUpload.objects.filter(pk=object_id).first()
        extra = {**(extra_context or {}), "upload_status_template": STATUS_TEMPLATE}
        if upload is not None:
            extra.update(self.status_context(upload))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "file", "format", "name", "version"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "format", "name", "version"]
        return ["file", "format", "name", "version", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        obj.name = obj.name or form.cleaned_data["file"].name
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: start_import(obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        """Back to the upload itself, which shows the import's progress, then its result."""
        return redirect("admin:opportunities_tradeupload_change", obj.pk)


def start_import(upload_id: int) -> None:
    """Hand the import to a worker; without one (the embedded default runs tasks in process) a
    thread of this process runs it, so the staff member's browser is never kept waiting."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(target=tasks.import_trade_upload, args=[upload_id], daemon=True).start()
    else:
        tasks.import_trade_upload.delay(upload_id)
