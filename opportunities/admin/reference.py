from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opportunities.matching import tasks
from opportunities.models import HSCode, HSSection, Sector, SectorCode
from tradeportal.uploads import check_image


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
class SectorAdmin(admin.ModelAdmin):
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
