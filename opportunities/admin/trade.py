from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction

from opportunities.matching.tasks import import_trade_upload
from opportunities.models import TradeDataset, TradeFlow, TradeUpload
from tradeportal.uploads import check_csv


@admin.register(TradeDataset)
class TradeDatasetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "source",
        "version",
        "rows",
        "period_start",
        "period_end",
        "is_synthetic",
        "imported_at",
    ]
    list_filter = ["source", "is_synthetic"]
    search_fields = ["name", "version"]


@admin.register(TradeFlow)
class TradeFlowAdmin(admin.ModelAdmin):
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


@admin.register(TradeUpload)
class TradeUploadAdmin(admin.ModelAdmin):
    """Staff upload a trade data file; a worker imports it (all or nothing) and says how it went."""

    form = TradeUploadForm
    list_display = ["__str__", "format", "status", "created_at", "finished_at", "uploaded_by"]
    list_filter = ["status", "format"]
    readonly_fields = ["status", "message", "dataset", "uploaded_by", "created_at", "finished_at"]

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
        transaction.on_commit(lambda: import_trade_upload.delay(obj.pk))
