"""Find HS codes by number or by words in Spanish or English, accent-insensitive.

The company wizard, the API and the admin all call `search_codes`.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from opportunities.reference.models import HSCode
from tradeportal.text import fold


def search_codes(query: str, *, levels: tuple[int, ...] = (4, 6), limit: int = 20) -> QuerySet:
    """Codes whose number starts with the digits typed, or whose text holds every word typed.

    "cafe" finds "Café", "cobre" finds the copper headings, "0806" or "08.06" finds grapes.
    Headings come before their subheadings, shorter matches first.
    """

    text = fold(query)
    codes = HSCode.objects.filter(level__in=levels)
    digits = text.replace(".", "").replace(" ", "")
    if digits.isdigit():
        return codes.filter(code__startswith=digits).order_by("code")[:limit]
    words = [w for w in text.split() if len(w) > 1]
    if not words:
        return codes.none()
    for word in words:
        codes = codes.filter(search_text__contains=word)
    # A word at the start of the Spanish or English text ranks first ("cobre" -> "Cobre ...").
    first = words[0]
    starts = Case(
        When(description_es__istartswith=first, then=Value(0)),
        When(description_en__istartswith=first, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return codes.annotate(starts=starts).order_by("starts", "level", "code")[:limit]
