"""Numbers as a reader expects them: US$ 143 M, US$ 1.26 B (English) or US$ 1.260 M (Spanish)."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format


def usd(value: Decimal | float | int | None, language: str | None = None) -> str:
    """Format a US dollar amount compactly in the given (or active) language."""
    if value is None:
        return "—"
    language = (language or translation.get_language() or "es")[:2]
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    with translation.override(language):
        if amount >= 1e9 and language == "en":
            return f"{sign}US$ {number_format(amount / 1e9, 2, use_l10n=True)} B"
        if amount >= 1e6:
            decimals = 0 if amount >= 1e8 else 1
            text = number_format(amount / 1e6, decimals, use_l10n=True, force_grouping=True)
            return f"{sign}US$ {text} M"
        if amount >= 1e3:
            return f"{sign}US$ {number_format(amount / 1e3, 0, use_l10n=True)} k"
        return f"{sign}US$ {number_format(amount, 0, use_l10n=True)}"
