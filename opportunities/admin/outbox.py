from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tradeportal import outbox
from tradeportal.models import OutboxEmail


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
        "next_attempt_at",
    ]
    list_filter = ["status", "template", "language"]
    search_fields = ["to_email", "key"]
    raw_id_fields = ["user"]
    readonly_fields = ["message_id", "last_error", "claimed_at", "sent_at", "created_at"]
    actions = ["resend"]

    @admin.action(description=_("Send the selected emails again"))
    def resend(self, request, queryset):
        count = outbox.resend(list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d email queued again.", "%(n)d emails queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )
