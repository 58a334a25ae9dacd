"""Reference data: the HS 2022 nomenclature and the curated sectors."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tradeportal.i18n import localized


class HSSection(models.Model):
    """One of the 21 sections of the Harmonized System (I to XXI)."""

    code = models.CharField(_("section"), max_length=5, primary_key=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_es = models.CharField(_("name (Spanish)"), max_length=300)

    class Meta:
        ordering = ["position"]
        verbose_name = _("HS section")
        verbose_name_plural = _("HS sections")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class HSCodeQuerySet(models.QuerySet):
    def selectable(self):
        """Codes a company can pick for its products: headings and subheadings."""
        return self.filter(level__in=(4, 6))


class HSCode(models.Model):
    """A chapter (2 digits), heading (4) or subheading (6) of HS 2022."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=[(2, "2"), (4, "4"), (6, "6")])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section = models.ForeignKey(HSSection, on_delete=models.PROTECT, related_name="codes")
    description_en = models.TextField(_("description (English)"))
    description_es = models.TextField(_("description (Spanish)"))
    # Lower-case, accent-free code and descriptions (both languages): word search on any database.
    search_text = models.TextField(editable=False, default="")

    objects = HSCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def chapter(self) -> str:
        return self.code[:2]

    @property
    def heading(self) -> str:
        return self.code[:4]


class SectorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Sector(models.Model):
    """A business sector curated by staff, owning HS chapters or headings."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_highlighted = models.BooleanField(
        _("highlighted"),
        default=False,
        help_text=_("One of the sectors with untapped potential named by the analysts."),
    )
    icon = models.CharField(_("icon"), max_length=40, blank=True, help_text=_("Icon name."))
    image = models.ImageField(_("image"), upload_to="sectors/", blank=True)
    codes = models.ManyToManyField(
        HSCode,
        through="SectorCode",
        verbose_name=_("HS chapters and headings"),
        related_name="sectors",
        blank=True,
    )

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opportunities:sector", args=[self.slug])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class SectorCode(models.Model):
    """An HS chapter or heading that belongs to a sector (a heading may be in several)."""

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="sector_codes")
    hs_code = models.ForeignKey(HSCode, on_delete=models.CASCADE, related_name="sector_codes")

    class Meta:
        verbose_name = _("sector HS code")
        verbose_name_plural = _("sector HS codes")
        constraints = [
            models.UniqueConstraint(fields=["sector", "hs_code"], name="sector_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sector_id}: {self.hs_code_id}"
