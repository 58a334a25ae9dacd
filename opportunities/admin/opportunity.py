from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opportunities.matching import services as matching
from opportunities.models import Opportunity
from tradeportal.admin_reasons import ask_reason


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
    actions = ["publish", "reject"]

    @admin.action(description=_("Publish the selected opportunities"), permissions=["change"])
    def publish(self, request, queryset):
        moderated = matching.moderate(opportunities=queryset.filter(kind="request"), publish=True)
        for curated in queryset.filter(kind="curated").exclude(status="published"):
            matching.publish_curated(opportunity=curated)
            moderated += 1
        self.message_user(request, _("%(count)s opportunities published.") % {"count": moderated})

    @admin.action(description=_("Reject the selected buyer requests"), permissions=["change"])
    def reject(self, request, queryset):
        requests = queryset.filter(kind="request")

        def apply(reason: str) -> str:
            count = matching.moderate(opportunities=requests, publish=False, note=reason)
            return _("%(count)s buyer requests rejected.") % {"count": count}

        return ask_reason(
            self,
            request,
            requests,
            action="reject",
            title=_("Reject buyer requests"),
            intro=_(
                "These buyer requests will not be published; the company that posted each one "
                "receives the reason by email:"
            ),
            submit=_("Reject and send the reason"),
            apply=apply,
        )
