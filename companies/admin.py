from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies import selectors, services, tokens
from companies.models import (
    ApiToken,
    Company,
    CompanyProduct,
    Invitation,
    Membership,
    PrivacyConsent,
    PrivacyNotice,
    Region,
    User,
)
from opportunities.matching import services as matching
from tradeportal import privacy
from tradeportal.admin_reasons import ask_reason
from tradeportal.pagecache import AREAS, DIRECTORY, ChangesPublicPages


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

    # A deactivated or deleted user's tokens stop working at once, cached lookups included.
    def save_model(self, request, obj, form, change):
        if change:
            tokens.forget_user(obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        tokens.forget_user(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        tokens.forget(ApiToken.objects.filter(user__in=queryset))
        super().delete_queryset(request, queryset)


@admin.register(Region)
class RegionAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = AREAS
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
class CompanyAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = (DIRECTORY,)
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the sectors chosen
        services.refresh_sector_bits([form.instance.pk])

    @admin.action(description=_("Verify the selected companies"), permissions=["change"])
    def verify(self, request, queryset):
        count = matching.set_verification(companies=queryset, status=Company.Status.VERIFIED)
        self.message_user(
            request,
            ngettext(
                "%(count)s company verified and told by email.",
                "%(count)s companies verified and told by email.",
                count,
            )
            % {"count": count},
        )

    @admin.action(
        description=_("Reject the selected companies (with a reason)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        def apply(reason: str) -> str:
            count = matching.set_verification(
                companies=queryset, status=Company.Status.REJECTED, reason=reason
            )
            return ngettext(
                "%(count)s company rejected and told why by email.",
                "%(count)s companies rejected and told why by email.",
                count,
            ) % {"count": count}

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


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Staff write the privacy notice; a published version is read-only: "Save as new" with the
    next version number publishes a change, and signed-in users are asked to accept it."""

    list_display = ["version", "published_at", "consent_count"]
    save_as = True
    # The responsible party comes from settings (tradeportal.privacy), the same for every
    # version; the model's own fields are no longer shown, so staff cannot edit text the
    # notice would not show.
    fields = ["version", "responsible_party", "changes", "body_es", "body_en", "published_at"]

    @admin.display(description=_("responsible party"))
    def responsible_party(self, notice: PrivacyNotice | None = None) -> str:
        party = privacy.responsible_party()
        return f"{party.name} — {party.address} — {party.email}"

    @admin.display(description=_("consents"))
    def consent_count(self, notice: PrivacyNotice) -> int:
        return notice.consents.count()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return self.fields
        return ["responsible_party"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        cache.delete(selectors.NOTICE_CACHE_KEY)


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "notice", "accepted_at", "at_signup"]
    list_filter = ["notice", "at_signup"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "notice", "accepted_at", "at_signup"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
