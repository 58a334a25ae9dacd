from django.contrib import admin

from opportunities.models import TradeDataset, TradeFlow


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
