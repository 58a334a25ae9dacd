"""The stored product space: proximities between products and Mexico's and Peru's position."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductSpace(models.Model):
    """One computation of the product space at one HS level, from the data it names."""

    class Level(models.IntegerChoices):
        CHAPTER = 2, _("HS chapter (2 digits)")
        HEADING = 4, _("HS heading (4 digits)")

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=200)
    countries = models.PositiveIntegerField(_("exporting countries"))
    products = models.PositiveIntegerField(_("products"))
    built_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        ordering = ["-level"]
        verbose_name = _("product space")
        verbose_name_plural = _("product spaces")

    def __str__(self) -> str:
        return f"{self.get_level_display()}, {self.year}"


class ProductProximity(models.Model):
    """phi between a product and one of its nearest products (each product keeps its closest)."""

    space = models.ForeignKey(ProductSpace, on_delete=models.CASCADE, related_name="proximities")
    product = models.CharField(_("product"), max_length=6)
    other = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("nearby product"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    proximity = models.FloatField(_("proximity"))

    class Meta:
        verbose_name = _("product proximity")
        verbose_name_plural = _("product proximities")
        constraints = [
            models.UniqueConstraint(fields=["space", "product", "other"], name="proximity_once"),
        ]
        indexes = [models.Index(fields=["space", "product"], name="proximity_product")]

    def __str__(self) -> str:
        return f"{self.product}-{self.other_id}: {self.proximity:.2f}"


class CountryProduct(models.Model):
    """Mexico's or Peru's exports, RCA, M_cp and density in one product, and its imports of it."""

    space = models.ForeignKey(ProductSpace, on_delete=models.CASCADE, related_name="countries_at")
    country = models.CharField(_("country"), max_length=3)  # ISO alpha-3: MEX or PER
    product = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    exports_usd = models.DecimalField(_("exports (US$)"), max_digits=18, decimal_places=0)
    imports_usd = models.DecimalField(
        _("imports from the world (US$)"), max_digits=18, decimal_places=0, null=True
    )
    rca = models.FloatField(_("revealed comparative advantage"))
    specialised = models.BooleanField(_("exports with advantage (RCA ≥ 1)"))
    density = models.FloatField(_("density"))

    class Meta:
        verbose_name = _("country in the product space")
        verbose_name_plural = _("countries in the product space")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "country", "product"], name="country_product_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.product_id}"
