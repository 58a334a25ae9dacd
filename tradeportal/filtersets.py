"""A django-filter FilterSet that does not rebuild its filters and form on every request.

django-filter deep-copies every filter of a FilterSet for each instance (their labels, widgets
and choices), then builds a form class from them; on an API list that was about a tenth of a
request's time. Here each instance copies only what an instance may change (a filter's options,
such as the choices an `__init__` sets) and the form class is built once for each set of those
options, then reused. Its forms still copy their fields, as Django's do, but share their lists of
choices (a deep copy of each option's label was most of a form's cost): a form may give a field
other choices, never change the list in place.
"""

import copy

import django_filters
from django.http import QueryDict

MAX_FORMS = 64  # form classes kept: a few per FilterSet (a language, a market's regions)
_FORMS: dict[tuple, type] = {}  # by FilterSet class and the options its instance changed


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose `__init__` may set its filters' options (`extra`, `label`), nothing
    else: the form class is reused for the same options."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django_filters.FilterSet.__init__, with light copies of the filters.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        model = queryset.model
        self.filters = {name: _copy(f, self, model) for name, f in self.base_filters.items()}

    def get_form_class(self):
        changed = [(name, _changes(self.base_filters[name], f)) for name, f in self.filters.items()]
        try:
            key = (type(self), _frozen(changed))
            form_class = _FORMS.get(key)
        except TypeError:  # an option that cannot be a key: a form of its own
            return super().get_form_class()
        if form_class is None:
            if len(_FORMS) >= MAX_FORMS:
                _FORMS.clear()
            form_class = _FORMS[key] = super().get_form_class()
            form_class.base_fields = FieldsSharingChoices(form_class.base_fields)
        return form_class


class FieldsSharingChoices(dict):
    """A form class's fields, deep-copied for each form (`BaseForm.__init__`) as Django copies
    them, except their lists of choices, which every form shares."""

    def __deepcopy__(self, memo):
        for field in self.values():
            choices = getattr(field, "_choices", None)
            if choices is not None:
                memo[id(choices)] = choices  # deepcopy's memo: "already copied, as itself"
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


def _copy(filter_, parent, model):
    """The filter for one FilterSet instance, sharing what no instance changes."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    copied.__dict__.pop("_field", None)  # built from the options, if at all
    copied.model, copied.parent = model, parent
    if filter_.method is not None:  # a FilterMethod of its own, calling this parent's method
        copied.method = filter_.method
    return copied


def _changes(base, filter_) -> list:
    """The options and label an instance gave its copy of a filter (the class's own are the
    same objects in every instance: no need to compare them)."""
    changes = [(name, v) for name, v in filter_.extra.items() if base.extra.get(name) is not v]
    if filter_._label is not base._label:
        changes.append(("label", filter_._label))
    return changes


def _frozen(value):
    """`value` with its lists and dicts as tuples, so it can be a key."""
    if isinstance(value, dict):
        return tuple((name, _frozen(item)) for name, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value
