"""Every number as its reader expects it, in one place: pages, emails and the API's texts.

Spanish (Django's es formats: a no-break space between thousands): "US$ 16,0 M", "US$ 1,80",
"4,7 %", "1 260"; English:
"US$16.0M", "US$1.80", "4.7%", "1,260". Templates use the filters of the `formatting` library
(tradeportal/templatetags/formatting.py); Python code calls these functions. Scores are rounded
by `score` alone, so an email and the dashboard never disagree (94 and 95 for a 94.5).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat, translation
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.translation import ngettext

DASH = "—"


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "es")[:2]


def _number(amount: float | Decimal, decimals: int, language: str, grouping: bool = True) -> str:
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


def _currency(text: str, language: str, sign: str = "") -> str:
    # Spanish writes a space between the symbol and the amount, English none.
    return f"{sign}US${' ' if language == 'es' else ''}{text}"


def usd(value: Decimal | float | int | None, language: str | None = None) -> str:
    """A US dollar amount, compact: "US$ 16,0 M" (es), "US$16.0M" (en)."""
    if value is None:
        return DASH
    language = _language(language)
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    sep = " " if language == "es" else ""
    if amount >= 1e9 and language == "en":  # Spanish says "mil millones": keep millions
        text = f"{_number(amount / 1e9, 2, language)}{sep}B"
    elif amount >= 1e6:
        text = f"{_number(amount / 1e6, 0 if amount >= 1e8 else 1, language)}{sep}M"
    elif amount >= 1e3:
        text = f"{_number(amount / 1e3, 0, language)}{sep}k"
    else:
        text = _number(amount, 0, language)
    return _currency(text, language, sign)


def price(value: Decimal | float | int | None, language: str | None = None) -> str:
    """An exact amount with its cents: "US$ 1,80" (es), "US$1.80" (en), "US$ 12.500,00"."""
    if value is None:
        return DASH
    language = _language(language)
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    return _currency(_number(abs(amount), 2, language), language, sign)


def number(value: Decimal | float | int | None, decimals: int = 0, language: str | None = None):
    """A plain number with the language's separators: "1.260" (es), "1,260" (en)."""
    if value is None or value == "":
        return DASH
    return _number(Decimal(str(value)), decimals, _language(language))


def quantity(value: Decimal | float | int | None, language: str | None = None) -> str:
    """A quantity with only the decimals it has (up to 3): "2,5", "1.000"."""
    if value is None:
        return DASH
    amount = Decimal(str(value)).quantize(Decimal("0.001")).normalize()
    decimals = max(0, -amount.as_tuple().exponent)
    return _number(amount, decimals, _language(language))


def percent(value: Decimal | float | int | None, decimals: int = 1, language: str | None = None):
    """A percentage: "4,7 %" (es, with a space, as the RAE writes it), "4.7%" (en)."""
    if value is None:
        return DASH
    language = _language(language)
    text = _number(Decimal(str(value)), decimals, language)
    return f"{text}\u00a0%" if language == "es" else f"{text}%"


def score(value: Decimal | float | int | None) -> int | None:
    """A match score as shown everywhere: a whole number, halves rounded up (94.5 -> 95)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
