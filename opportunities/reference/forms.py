"""Form fields of the reference data, shared by the company wizard, buyer requests and the API."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opportunities.reference.models import HSCode


class HSCodeField(forms.CharField):
    """An HS heading (4 digits) or subheading (6 digits), dots allowed ("08.06"); cleans to the
    HSCode, or refuses with a message that says how to find the right one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("HS code"))
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)

    def clean(self, value):
        code = (super().clean(value) or "").replace(".", "").strip()
        if not code:
            return None
        hs_code = HSCode.objects.filter(code=code, level__in=(4, 6)).first()
        if hs_code is None:
            raise ValidationError(
                _(
                    "%(code)s is not an HS heading (4 digits) or subheading "
                    "(6 digits). Search by words to find yours."
                )
                % {"code": code}
            )
        return hs_code
