"""Tax ids: the Mexican RFC and the Peruvian RUC, validated with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions
from stdnum.mx import rfc
from stdnum.pe import ruc

GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}


def clean_tax_id(country: str, value: str) -> str:
    """Return the tax id in its compact form, or raise a ValidationError naming the failed rule."""
    if country == "MX":
        return _clean_rfc(value)
    if country == "PE":
        return _clean_ruc(value)
    raise ValidationError(_("Choose Mexico or Peru first."), code="country")


def _clean_rfc(value: str) -> str:
    number = rfc.compact(value or "")
    if number in GENERIC_RFCS:
        raise ValidationError(
            _(
                "Generic RFCs (XAXX010101000, XEXX010101000) are for anonymous sales; enter your "
                "company's own RFC."
            ),
            code="generic",
        )
    if len(number) not in (12, 13):
        raise ValidationError(
            _(
                "An RFC has 12 characters for a company or 13 for a person with business activity "
                "(homoclave included); this one has %(n)s."
            )
            % {"n": len(number)},
            code="length",
        )
    try:
        return rfc.validate(number, validate_check_digits=True)
    except exceptions.InvalidChecksum:
        raise ValidationError(
            _("The RFC's check digit (its last character) does not match: check for a typo."),
            code="checksum",
        ) from None
    except exceptions.InvalidComponent:
        raise ValidationError(
            _("The RFC's date part (characters after the letters) is not a valid date (YYMMDD)."),
            code="date",
        ) from None
    except exceptions.ValidationError:
        raise ValidationError(
            _("An RFC is 3 or 4 letters, a date (YYMMDD) and a 3-character homoclave."),
            code="format",
        ) from None


def _clean_ruc(value: str) -> str:
    number = ruc.compact(value or "")
    try:
        return ruc.validate(number)
    except exceptions.InvalidLength:
        raise ValidationError(
            _("A RUC has 11 digits; this one has %(n)s.") % {"n": len(number)}, code="length"
        ) from None
    except exceptions.InvalidFormat:
        raise ValidationError(_("A RUC has digits only."), code="format") from None
    except exceptions.InvalidComponent:
        raise ValidationError(
            _("A RUC starts with 10, 15, 17 (persons) or 20 (companies)."), code="prefix"
        ) from None
    except exceptions.InvalidChecksum:
        raise ValidationError(
            _("The RUC's check digit (its last digit) does not match: check for a typo."),
            code="checksum",
        ) from None
