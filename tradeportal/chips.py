"""Active filters shown as removable chips (browse, directory, dashboard): one helper and one
template include (includes/chips.html), so every page's chips read and behave the same.

A chip's link is the page's query without that filter (and without the page number, and without
the filters that only make sense with it, e.g. the region goes with the country)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str


def _flat(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


def shown_value(choices, value: str) -> str:
    """The label of `value` among `choices` (grouped or not, model choices too), else the value."""
    if choices is None:
        return value
    for key, label in _flat(choices):
        if str(key) == value:
            return str(label)
    return value


def chips(
    query: QueryDict,
    fields: Iterable[tuple[str, str, object]],
    *,
    defaults: Mapping[str, str] | None = None,
    together: Mapping[str, Iterable[str]] | None = None,
) -> list[Chip]:
    """One chip per filter in use. `fields` are (name, label, choices or None) in display order;
    `defaults` are values that mean "no filter" (sort=relevance); `together` names the filters
    removed with another (market: region)."""
    defaults = defaults or {}
    together = together or {}
    result = []
    for name, label, choices in fields:
        value = query.get(name)
        if not value or defaults.get(name) == value:
            continue
        rest = query.copy()
        for gone in (name, "page", *together.get(name, ())):
            rest.pop(gone, None)
        result.append(
            Chip(
                label=str(label),
                value=shown_value(choices, value),
                remove_url=f"?{rest.urlencode()}",
            )
        )
    return result


def form_fields(form) -> list[tuple[str, str, object]]:
    """A form's fields as chips() takes them."""
    return [
        (name, field.label or name, getattr(field, "choices", None))
        for name, field in form.fields.items()
    ]
