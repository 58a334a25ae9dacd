"""Mexico's states and Peru's regions: reference data, below the companies layer (which imports it
through `companies.models`); the importer is `opportunities.reference.importers.import_regions`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tradeportal.i18n import Country


class Region(models.Model):
    """A Mexican state or a Peruvian region (first-level subdivision)."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, primary_key=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    name = models.CharField(_("name"), max_length=80)
    national_code = models.CharField(
        _("national code"), max_length=6, help_text=_("INEGI state code or UBIGEO (INEI) code.")
    )
    capital = models.CharField(_("capital"), max_length=80, blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "national_code"], name="region_national_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name
