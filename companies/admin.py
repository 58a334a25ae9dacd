from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from companies.models import Company, CompanyProduct, Invitation, Membership, Region, User


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "created_at", "accepted_at"]
    search_fields = ["email", "company__legal_name"]
    exclude = ["token"]
