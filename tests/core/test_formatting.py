"""Numbers read the same way on every page and in every email, in the reader's language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from tradeportal import formatting
from tradeportal.text import before_period, legal_name


@pytest.mark.parametrize(
    ("value", "es", "en"),
    [
        (16_000_000, "US$ 16,0 M", "US$16.0M"),
        (1_260_000_000, "US$ 1\u00a0260 M", "US$1.26B"),
        (143_000_000, "US$ 143 M", "US$143M"),
        (12_400, "US$ 12 k", "US$12k"),
        (950, "US$ 950", "US$950"),
        (-3_500_000, "-US$ 3,5 M", "-US$3.5M"),
    ],
)
def test_compact_dollars_follow_the_readers_language(value, es, en):
    assert formatting.usd(value, "es") == es
    assert formatting.usd(value, "en") == en


def test_a_price_keeps_its_cents():
    assert formatting.price(Decimal("1.80"), "es") == "US$ 1,80"
    assert formatting.price(Decimal("1.80"), "en") == "US$1.80"
    assert formatting.price(12500, "es") == "US$ 12\u00a0500,00"
    assert formatting.price(None, "en") == "—"


def test_percentages_are_written_as_each_language_writes_them():
    assert formatting.percent(4.7, language="es") == "4,7\u00a0%"
    assert formatting.percent(4.7, language="en") == "4.7%"
    assert formatting.percent(5, 0, language="es") == "5\u00a0%"


def test_numbers_and_quantities_use_the_languages_separators():
    assert formatting.number(1260, language="es") == "1\u00a0260"
    assert formatting.number(1260, language="en") == "1,260"
    assert formatting.quantity(Decimal("2.500"), language="es") == "2,5"
    assert formatting.quantity(Decimal("1000"), language="en") == "1,000"


@pytest.mark.parametrize(("raw", "shown"), [(94.5, 95), (94.49, 94), (95.5, 96), (0.5, 1)])
def test_a_score_is_rounded_one_way_everywhere(raw, shown):
    # Python's round() gives 94 for 94.5 and Django's floatformat 95: they disagreed.
    assert formatting.score(raw) == shown


def test_the_template_filters_read_the_active_language():
    template = Template("{% load formatting %}{{ v|usd }} · {{ p|price }} · {{ g|percent }}")
    context = Context({"v": 16_000_000, "p": Decimal("1.8"), "g": 4.7})
    with translation.override("es"):
        assert template.render(context) == "US$ 16,0 M · US$ 1,80 · 4,7\u00a0%"
    with translation.override("en"):
        assert template.render(context) == "US$16.0M · US$1.80 · 4.7%"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Uvas  del Sur sac", "Uvas del Sur S.A.C."),
        ("Monitores del Norte SA de CV", "Monitores del Norte S.A. de C.V."),
        ("Monitores S.A. de C.V..", "Monitores S.A. de C.V."),
        ("Minera Andina S.A.A", "Minera Andina S.A.A."),
        ("Sacramento Foods", "Sacramento Foods"),
    ],
)
def test_a_legal_name_is_stored_in_one_form(raw, stored):
    assert legal_name(raw) == stored


def test_a_name_ending_a_sentence_gets_one_period():
    assert before_period("Monitores S.A. de C.V.") + "." == "Monitores S.A. de C.V."
