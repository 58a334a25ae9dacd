"""Form fields of the reference data, shared by the company wizard, buyer requests, the browse
filters and the API: the field where a product is chosen, an HS code typed or words that the
site's product search turns into suggestions (and, with JavaScript, a type-ahead list)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from opportunities.reference.hs_search import MAX_QUERY, search_codes
from opportunities.reference.models import HSCode
from opportunities.reference.product_search import code_query

SUGGESTIONS = 3


class HSCodeInput(forms.TextInput):
    """A text input that static/js/hs-combobox.js turns into an accessible type-ahead list."""

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "data-hs-combobox": reverse_lazy("companies:hs_search"),
            "placeholder": _("e.g. pota, palta hass, café verde, 0806"),
            "data-hs-found": _("%s codes found; use the arrow keys and Enter to choose one."),
            "data-hs-none": _("No HS code found; try a product name or an HS code."),
        }
        super().__init__({**defaults, **(attrs or {})})


class HSCodeField(forms.CharField):
    """A heading (4 digits) or subheading (6 digits), typed as a code or chosen by its name."""

    widget = HSCodeInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Product or HS code"))
        kwargs.setdefault(
            "help_text",
            _("Type the product's name (or its HS code) and choose the heading or subheading."),
        )
        super().__init__(max_length=MAX_QUERY, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        digits = code_query(text)
        if digits:
            found = HSCode.objects.filter(code=digits, level__in=(4, 6)).first()
            if found is not None:
                return found
        raise ValidationError(self._not_a_code(text, digits), code="invalid")

    def _not_a_code(self, text: str, digits: str | None) -> str:
        suggestions = search_codes(text, limit=SUGGESTIONS)
        choices = "; ".join(f"{code.code} {code.description[:70]}" for code in suggestions)
        if digits and suggestions:
            return _(
                "%(code)s is not an HS heading (4 digits) or subheading (6 digits). "
                "Codes that start with these digits: %(choices)s."
            ) % {"code": digits, "choices": choices}
        if digits:
            return _(
                "%(code)s is not an HS heading (4 digits) or subheading (6 digits). "
                "Try a product name or another code."
            ) % {"code": digits}
        if not suggestions:
            return _(
                "No HS code found for “%(text)s”. Try a product name (e.g. café, cobre, "
                "palta) or an HS code."
            ) % {"text": text[:60]}
        return _(
            "“%(text)s” is not an HS code. Type the code of your product, for example: %(choices)s."
        ) % {"text": text[:60], "choices": choices}
