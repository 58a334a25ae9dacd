"""Shared vocabulary: the two countries, and picking a field in the reader's language."""

import functools
import gettext as gettext_module

import pycountry
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    MEXICO = "MX", _("Mexico")
    PERU = "PE", _("Peru")


# ISO 3166-1 alpha-3 codes used in trade statistics.
ALPHA3 = {"MX": "MEX", "PE": "PER"}
WORLD = "WLD"


def partner_of(country: str) -> str:
    """Return the other country of the pair (MX <-> PE)."""
    return Country.PERU if country == Country.MEXICO else Country.MEXICO


def localized(obj: object, field: str, language: str | None = None) -> str:
    """Return obj.<field>_<lang> for the active language, falling back to Spanish then English."""
    language = (language or translation.get_language() or "es")[:2]
    for lang in (language, "es", "en"):
        value = getattr(obj, f"{field}_{lang}", "")
        if value:
            return value
    return ""


@functools.cache
def _iso3166_catalog(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(alpha3: str, language: str | None = None) -> str:
    """The country's common name in the reader's language ("PER" -> "Perú"), else the code."""
    if alpha3 == WORLD:
        return str(_("World"))
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return alpha3
    name = getattr(country, "common_name", None) or country.name
    language = (language or translation.get_language() or "es")[:2]
    return _iso3166_catalog(language).gettext(name)
