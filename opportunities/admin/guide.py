from django.contrib import admin

from opportunities.models import CountryProduct, GuideFact, ProductSpace
from tradeportal.pagecache import GUIDE, ChangesPublicPages


@admin.register(GuideFact)
class GuideFactAdmin(ChangesPublicPages, admin.ModelAdmin):
    """Staff keep each fact, its source and its review date up to date."""

    public_page_areas = (GUIDE,)

    list_display = ["title_es", "agreement", "topic", "chapters", "last_reviewed", "is_warning"]
    list_filter = ["agreement", "topic", "is_warning"]
    search_fields = ["key", "title_es", "title_en", "text_es", "text_en", "source_name"]
    list_editable = ["last_reviewed"]
    ordering = ["position", "key"]
    fieldsets = [
        (None, {"fields": ["key", "agreement", "topic", "chapters", "is_warning", "position"]}),
        ("Español", {"fields": ["title_es", "text_es"]}),
        ("English", {"fields": ["title_en", "text_en"]}),
        (None, {"fields": ["source_name", "source_url", "last_reviewed"]}),
    ]


@admin.register(CountryProduct)
class CountryProductAdmin(admin.ModelAdmin):
    """Mexico's and Peru's RCA and density per product, as last computed (read-only)."""

    list_display = ["product_id", "country", "space", "exports_usd", "imports_usd", "rca"]
    list_display += ["specialised", "density"]
    list_filter = ["space", "country", "specialised"]
    list_select_related = ["space"]
    search_fields = ["product__code"]
    ordering = ["country", "-density"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProductSpace)
class ProductSpaceAdmin(admin.ModelAdmin):
    """Read-only: `manage.py build_product_space` computes it from the loaded trade data."""

    list_display = ["level", "year", "source", "countries", "products", "built_at"]
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
