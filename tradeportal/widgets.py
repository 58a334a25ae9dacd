"""The form renderer (settings.FORM_RENDERER): text, number, date and the other <input> widgets
written in Python, every other widget through Django's templates.

Each input was a template and two includes (input.html, attrs.html): on the browse page the five
inputs of the filter form cost as much as the rest of its form. The HTML is Django's, byte for
byte (tests/core/test_widgets.py compares the two); the project overrides none of these templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

INPUT_TYPES = (
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in INPUT_TYPES)


class Renderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return render_input(context["widget"])
        return super().render(template_name, context, request)


def render_input(widget: dict) -> str:
    """django/forms/widgets/input.html for `widget` (a widget's context)."""
    parts = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is True:
            parts.append(f" {_text(name)}")
        elif value is not False:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    parts.append(">")
    return mark_safe("".join(parts))


def _text(value) -> str:
    """{{ value }}: escaped unless marked safe."""
    return conditional_escape(value)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: as text, escaped unless it was marked safe."""
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)
