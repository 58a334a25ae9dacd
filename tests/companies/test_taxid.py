"""RFC and RUC validation names the rule that failed."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.taxid import clean_tax_id


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        ("MX", "GODE561231GR8", "GODE561231GR8"),  # person with business activity
        ("MX", "gode-561231-gr8", "GODE561231GR8"),  # typed loosely
        ("MX", "MAB9307148T4", "MAB9307148T4"),  # company
        ("PE", "20100070970", "20100070970"),
        ("PE", "20 1000 70970", "20100070970"),
    ],
)
def test_valid_tax_ids_are_accepted_in_compact_form(country, value, expected):
    assert clean_tax_id(country, value) == expected


@pytest.mark.parametrize(
    ("country", "value", "code", "words"),
    [
        ("MX", "XAXX010101000", "generic", "Generic RFCs"),
        ("MX", "XEXX010101000", "generic", "Generic RFCs"),
        ("MX", "GODE561231GR9", "checksum", "check digit"),
        ("MX", "GODE561331GR8", "date", "not a valid date"),
        ("MX", "COMG600703", "length", "12 characters for a company or 13"),
        ("PE", "20100070971", "checksum", "check digit"),
        ("PE", "2010007097", "length", "11 digits; this one has 10"),
        ("PE", "30100070970", "prefix", "starts with 10, 15, 17"),
    ],
)
def test_invalid_tax_ids_are_refused_naming_the_rule(country, value, code, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        clean_tax_id(country, value)
    assert refused.value.code == code
    assert words in refused.value.messages[0]


def test_the_rule_is_explained_in_spanish_by_default():
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        clean_tax_id("PE", "20100070971")
    assert "dígito verificador" in refused.value.messages[0]
