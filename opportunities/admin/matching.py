from django.contrib import admin

from opportunities.matching import health
from opportunities.models import Interest, Match, MatchingChunk, MatchingRun, MatchingSettings


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
    list_display = [
        "company",
        "opportunity",
        "target_company",
        "status",
        "via_staff",
        "withdrawn_at",
        "outcome",
        "created_at",
    ]
    list_filter = ["status", "via_staff", "outcome"]
    search_fields = ["company__legal_name", "message"]
    raw_id_fields = ["company", "opportunity", "target_company", "user", "withdrawn_by"]


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]


class MatchingChunkInline(admin.TabularInline):
    model = MatchingChunk
    fields = ["dispatched_at", "finished_at", "matches_written"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "started_at", "duration_s", "companies", "matches_written", "error"]
    list_filter = ["kind"]
    inlines = [MatchingChunkInline]
    change_list_template = "admin/opportunities/matchingrun/change_list.html"

    def changelist_view(self, request, extra_context=None):
        """The runs, headed by the matching health report."""
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), "health": health.report()}
        )
