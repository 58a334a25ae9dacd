from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opportunities.matching import tasks
from opportunities.models import HSCode, HSSection, Sector, SectorCode, TradeName
from opportunities.reference import hs_search
from tradeportal.pagecache import AREAS, SECTORS, ChangesPublicPages
from tradeportal.uploads import check_image


@admin.register(HSSection)
class HSSectionAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = AREAS
    list_display = ["code", "name_es", "name_en"]
    search_fields = ["code", "name_es", "name_en"]


@admin.register(HSCode)
class HSCodeAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = AREAS
    list_display = ["code", "level", "description_es", "description_en", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "search_text"]
    readonly_fields = ["search_text"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        hs_search.index_changed()


class SectorCodeInline(admin.TabularInline):
    model = SectorCode
    extra = 1
    autocomplete_fields = ["hs_code"]


SECTOR_IMAGE_MAX_BYTES = 2 * 1024 * 1024


class SectorForm(forms.ModelForm):
    class Meta:
        model = Sector
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields it shows

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image:
            check_image(
                image,
                max_bytes=SECTOR_IMAGE_MAX_BYTES,
                too_big=_("The image must be 2 MB or smaller."),
            )
        return image


@admin.register(Sector)
class SectorAdmin(ChangesPublicPages, admin.ModelAdmin):
    public_page_areas = (SECTORS,)
    form = SectorForm
    list_display = ["slug", "name_es", "name_en", "order", "is_active", "is_highlighted"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "is_highlighted"]
    search_fields = ["slug", "name_es", "name_en"]
    inlines = [SectorCodeInline]

    def save_related(self, request, form, formsets, change):
        """After a sector's headings change, rematch the companies trading in them."""
        before = set(form.instance.codes.values_list("code", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.codes.values_list("code", flat=True))
        if changed := sorted(before ^ after):
            from django.db import transaction

            transaction.on_commit(lambda: tasks.rematch_affected.delay(changed))


class TradeNameSourceFilter(admin.SimpleListFilter):
    """The sources of the names, with a label for the names that give none."""

    title = _("source")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        sources = TradeName.objects.order_by("source").values_list("source", flat=True).distinct()
        return [(source or "-", source or _("(none)")) for source in sources]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(source="" if value == "-" else value)


@admin.register(TradeName)
class TradeNameAdmin(admin.ModelAdmin):
    """The vocabulary product search ranks by; every change is searchable at once."""

    list_display = ["name", "language", "code_list", "source", "is_active", "updated_at"]
    list_filter = ["language", "is_active", TradeNameSourceFilter]
    search_fields = ["name", "codes__code"]
    autocomplete_fields = ["codes"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("codes")

    @admin.display(description=_("HS codes"))
    def code_list(self, obj) -> str:
        return ", ".join(code.code for code in obj.codes.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        hs_search.index_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        hs_search.index_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        hs_search.index_changed()
