"""FilterSets whose forms share their choices, yet each form its own fields."""

import django_filters
import pytest

from opportunities.models import Opportunity
from tradeportal import filtersets

pytestmark = pytest.mark.django_db


class ByKind(filtersets.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Opportunity.Kind.choices)
    market = django_filters.ChoiceFilter(choices=[("MX", "México"), ("PE", "Perú")])

    class Meta:
        model = Opportunity
        fields: list[str] = []


def test_forms_of_one_filterset_share_their_choices_and_nothing_else():
    first, second = ByKind({"kind": "demand"}).form, ByKind({"kind": "nonsense"}).form
    assert first.fields["kind"].choices is second.fields["kind"].choices  # one list, not copied
    assert first.fields["kind"] is not second.fields["kind"]
    assert first.fields["kind"].widget is not second.fields["kind"].widget
    first.fields["market"].choices = [("MX", "México")]  # a form may give a field other choices
    first.fields["kind"].widget.attrs["class"] = "mine"
    third = ByKind({"market": "PE"}).form
    assert [value for value, _label in third.fields["market"].choices] == ["", "MX", "PE"]
    assert "class" not in third.fields["kind"].widget.attrs
    assert first.is_valid() and not second.is_valid() and third.is_valid()
    assert "kind" in second.errors
