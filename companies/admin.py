from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from companies import tokens
from companies.models import (
    ApiToken,
    Company,
    CompanyProduct,
    Invitation,
    Membership,
    Region,
    User,
)
from opportunities.matching import services as matching
from tradeportal.admin_reasons import ask_reason


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_staff", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "national_code", "capital"]
    list_filter = ["country"]
    search_fields = ["code", "name", "national_code"]


class CompanyProductInline(admin.TabularInline):
    model = CompanyProduct
    extra = 0
    autocomplete_fields = ["hs_code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    actions = ["verify", "reject"]
    list_display = [
        "legal_name",
        "trade_name",
        "country",
        "tax_id",
        "region",
        "size",
        "status",
        "is_public",
        "created_at",
    ]
    list_filter = ["status", "country", "size", "is_public", "is_demo", "sectors"]
    search_fields = ["legal_name", "trade_name", "tax_id", "description"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["sectors"]
    inlines = [CompanyProductInline, MembershipInline]
    date_hierarchy = "created_at"

    @admin.action(description=_("Verify the selected companies"), permissions=["change"])
    def verify(self, request, queryset):
        count = matching.set_verification(companies=queryset, status=Company.Status.VERIFIED)
        self.message_user(
            request, _("%(count)s companies verified and told by email.") % {"count": count}
        )

    @admin.action(
        description=_("Reject the selected companies (with a reason)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        def apply(reason: str) -> str:
            count = matching.set_verification(
                companies=queryset, status=Company.Status.REJECTED, reason=reason
            )
            return _("%(count)s companies rejected and told why by email.") % {"count": count}

        return ask_reason(
            self,
            request,
            queryset,
            action="reject",
            title=_("Reject companies"),
            intro=_(
                "These companies will be marked as rejected, and each of their members will "
                "receive the reason by email:"
            ),
            submit=_("Reject and send the reason"),
            apply=apply,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "created_at", "accepted_at"]
    search_fields = ["email", "company__legal_name"]
    exclude = ["token"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see who has tokens and may revoke one; nobody sees a key (only its hash is kept)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "name", "prefix"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are created by their owner, who alone sees the key

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(user=token.user, token_id=token.pk)
