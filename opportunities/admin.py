from django.contrib import admin

from opportunities.models import (
    HSCode,
    HSSection,
    Interest,
    Match,
    MatchingRun,
    MatchingSettings,
    Opportunity,
    OutboxEmail,
    Sector,
    SectorCode,
    TradeDataset,
    TradeFlow,
)


@admin.register(HSSection)
class HSSectionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "name_en"]
    search_fields = ["code", "name_es", "name_en"]


@admin.register(HSCode)
class HSCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "description_es", "description_en", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "search_text"]
    readonly_fields = ["search_text"]


class SectorCodeInline(admin.TabularInline):
    model = SectorCode
    extra = 1
    autocomplete_fields = ["hs_code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_es", "name_en", "order", "is_active", "is_highlighted"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "is_highlighted"]
    search_fields = ["slug", "name_es", "name_en"]
    inlines = [SectorCodeInline]


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


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "market_country",
        "hs_code",
        "value_usd",
        "deadline",
        "published_at",
    ]
    list_filter = ["kind", "status", "market_country", "sector", "is_demo"]
    search_fields = ["title", "description", "hs_code__code", "search_text"]
    raw_id_fields = ["hs_code", "company", "dataset", "created_by"]
    autocomplete_fields = ["market_region", "sector"]
    date_hierarchy = "created_at"


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = [
        "company",
        "kind",
        "opportunity",
        "counterpart",
        "score",
        "status",
        "is_stale",
        "updated_at",
    ]
    list_filter = ["kind", "status", "is_stale"]
    search_fields = ["company__legal_name"]
    raw_id_fields = ["company", "opportunity", "counterpart"]
    show_full_result_count = False


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["company", "opportunity", "target_company", "status", "outcome", "created_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["company__legal_name", "message"]
    raw_id_fields = ["company", "opportunity", "target_company", "user"]


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "started_at", "duration_s", "companies", "matches_written", "error"]
    list_filter = ["kind"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = [
        "template",
        "to_email",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "template", "language"]
    search_fields = ["to_email", "key"]
    raw_id_fields = ["user"]
