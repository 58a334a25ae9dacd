"""Numbers as a reader expects them: US$ 143 M, US$ 1.26 B (English) or US$ 1.260 M (Spanish)."""

from decimal import Decimal

from django.utils import numberformat, translation
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.translation import ngettext


def usd(value: Decimal | float | int | None, language: str | None = None) -> str:
    """Format a US dollar amount compactly in the given (or active) language."""
    if value is None:
        return "—"
    language = (language or translation.get_language() or "es")[:2]
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1e9 and language == "en":
        return f"{sign}US$ {_number(amount / 1e9, 2, language)} B"
    if amount >= 1e6:
        decimals = 0 if amount >= 1e8 else 1
        return f"{sign}US$ {_number(amount / 1e6, decimals, language, grouping=True)} M"
    if amount >= 1e3:
        return f"{sign}US$ {_number(amount / 1e3, 0, language)} k"
    return f"{sign}US$ {_number(amount, 0, language)}"


def _number(amount: float, decimals: int, language: str, grouping: bool = False) -> str:
    # The language's separators are read directly: activating the language for each amount
    # (translation.override) cost more than the rest of a page's numbers together.
    return numberformat.format(
        amount,
        get_format("DECIMAL_SEPARATOR", language),
        decimals,
        get_format("NUMBER_GROUPING", language),
        get_format("THOUSAND_SEPARATOR", language),
        force_grouping=grouping,
        use_l10n=True,
    )


def scope(area: str, year: int | None, months: list[int] | None = None) -> str:
    """The area and period a figure covers, in the active language: "Colima, diciembre 2024,
    1 mes" for one month of one state, "México, 2024" for a whole year."""
    if not year:
        return area
    return f"{area}, {period(year, months)}"


def period(year: int, months: list[int] | None = None) -> str:
    """ "2024" for a whole year, "diciembre 2024, 1 mes" for part of one (active language)."""
    months = sorted(set(months or []))
    if not months or len(months) == 12:
        return str(year)
    first, last = MONTHS[months[0]], MONTHS[months[-1]]
    span = str(first) if first == last else f"{first}–{last}"
    count = ngettext("%(n)s month", "%(n)s months", len(months)) % {"n": len(months)}
    return f"{span} {year}, {count}"
