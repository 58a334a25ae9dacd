from django.contrib import admin

from opportunities.models import Opportunity


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
