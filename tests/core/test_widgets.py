"""The inputs the form renderer writes in Python are Django's own HTML, byte for byte."""

import datetime
import itertools

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from opportunities.reference.forms import HSCodeInput
from tradeportal.widgets import Renderer

WIDGETS = [
    forms.TextInput(),
    forms.NumberInput(attrs={"step": "any", "min": 0}),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateTimeInput(),
    forms.TimeInput(),
    forms.EmailInput(attrs={"autocomplete": "email"}),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.ColorInput(),
    HSCodeInput(),
]
VALUES = [
    None,
    "",
    'Uvas "Red Globe" <frescas> & secas',
    mark_safe("R&amp;D"),
    0,
    12.5,
    datetime.date(2026, 12, 3),
    datetime.time(9, 30),
    _("Search"),
]
ATTRS = [
    None,
    {"required": True, "disabled": False, "maxlength": 200, "id": "id_q"},
    {"data-x": '<"&>', "placeholder": _("Search"), "class": mark_safe("a&amp;b"), "aria-x": None},
]


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_each_input_is_written_as_djangos_template_writes_it(widget, language):
    django_own, ours = DjangoTemplates(), Renderer()
    with translation.override(language):
        for value, attrs in itertools.product(VALUES, ATTRS):
            expected = widget.render("field", value, attrs, renderer=django_own)
            assert widget.render("field", value, attrs, renderer=ours) == expected


def test_other_widgets_still_go_through_the_templates():
    widget = forms.Textarea(attrs={"rows": 2})
    ours = widget.render("message", "<hola>", renderer=Renderer())
    assert ours == widget.render("message", "<hola>", renderer=DjangoTemplates())
    assert ours.startswith('<textarea name="message" cols="40" rows="2">')
    assert "&lt;hola&gt;" in ours
