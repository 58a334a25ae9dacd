"""The browse page's filters, read from the URL so a search can be shared and bookmarked."""

import functools
import logging

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import F, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Region
from opportunities.listings.models import Opportunity
from opportunities.reference import search
from opportunities.reference.forms import HSCodeInput
from opportunities.reference.hs_search import codes_under
from opportunities.reference.models import Sector
from tradeportal import filtersets, pagecache
from tradeportal.chips import Chip, chips, form_fields
from tradeportal.i18n import Country

logger = logging.getLogger(__name__)
CHOICES_SECONDS = 24 * 3600
SORTS = {
    "relevance": ("-rank", "-value_usd", "-pk"),
    "value": (F("value_usd").desc(nulls_last=True), "-pk"),
    "newest": ("-published_at", "-pk"),
    "closing": (F("deadline").asc(nulls_last=True), "-pk"),
}


class Select(forms.Select):
    """A select built in Python: one template per option made the filter form most of the
    browse page's rendering time (about 100 options). The options' HTML is built once per list
    of choices (the sectors and regions change with their version, the labels with the
    language) and only the chosen one is written anew."""

    def render(self, name, value, attrs=None, renderer=None):
        # The first option whose value is chosen is selected, as in Django.
        chosen, selected = set(self.format_value(value)), False
        parts = []
        for option_value, label, html in _options(_hashable(self.choices)):
            if option_value is None:  # an <optgroup> tag
                parts.append(html)
            elif not selected and option_value in chosen:
                selected = True
                parts.append(_option(option_value, label, " selected"))
            else:
                parts.append(html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),
        )


def _hashable(choices) -> tuple:
    """The choices as the key of their options' HTML: labels as they read in this language."""
    return tuple(
        (str(group), tuple((v, str(label)) for v, label in options))
        if isinstance(options, (list, tuple))
        else (group, str(options))
        for group, options in choices
    )


def _option(option_value: str, label, flag: str = "") -> str:
    return format_html('<option value="{}"{}>{}</option>', option_value, flag, label)


@functools.lru_cache(maxsize=256)
def _options(choices: tuple) -> tuple[tuple[str | None, str, str], ...]:
    """(value, label, HTML) of each option not chosen, and (None, "", tag) for a group's tags."""
    parts = []
    for group, options in choices:
        if isinstance(options, tuple):
            parts.append((None, "", format_html('<optgroup label="{}">', group)))
            parts += [(_value(v), label, _option(_value(v), label)) for v, label in options]
            parts.append((None, "", "</optgroup>"))
        else:
            parts.append((_value(group), options, _option(_value(group), options)))
    return tuple(parts)


def _value(option_value) -> str:
    return "" if option_value is None else str(option_value)


class OpportunityFilter(filtersets.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Opportunity.Kind.choices, widget=Select, empty_label=_("All kinds")
    )
    # Sectors and regions as plain choices read once per request (names only, no model rows).
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="sector__slug",  # what it filters (the schema's type); by id, see filter_sector
        method="filter_sector",
        widget=Select,
        empty_label=_("All sectors"),
    )
    market = django_filters.ChoiceFilter(
        label=_("Market"),
        field_name="market_country",
        choices=Country.choices,
        widget=Select,
        empty_label=_("Both markets"),
    )
    region = django_filters.ChoiceFilter(
        label=_("State or region"),
        field_name="market_region",
        widget=Select,
        empty_label=_("All states and regions"),
    )
    hs = django_filters.CharFilter(
        label=_("Product or HS code"), method="filter_hs", widget=HSCodeInput
    )
    min_value = django_filters.NumberFilter(
        label=_("Minimum value (US$)"), field_name="value_usd", lookup_expr="gte"
    )
    max_value = django_filters.NumberFilter(
        label=_("Maximum value (US$)"), field_name="value_usd", lookup_expr="lte"
    )
    deadline_before = django_filters.DateFilter(
        label=_("Closing before"),
        method="filter_deadline",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        widget=Select,
        choices=[
            ("relevance", _("Relevance")),
            ("value", _("Value")),
            ("newest", _("Newest")),
            ("closing", _("Closing soon")),
        ],
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("sort", "relevance")
        super().__init__(data, *args, **kwargs)
        sectors, regions, self.sector_ids = _reference()
        self.filters["sector"].extra["choices"] = sectors
        self.filters["region"].extra["choices"] = region_choices(data.get("market"), regions)

    def active(self, query) -> list[Chip]:
        """The filters in use, each with the link that removes it (the browse page's chips)."""
        if not self.is_bound or not self.form.is_valid():
            return []
        return chips(
            query,
            form_fields(self.form),
            defaults={"sort": "relevance"},
            together={"market": ["region"]},  # its regions go with it
        )

    @property
    def qs(self):
        queryset = super().qs
        ordering = SORTS[self.form.cleaned_data.get("sort") or "relevance"]
        if not self.ranked:  # no search words: nothing to rank by
            ordering = [field for field in ordering if field != "-rank"]
        return queryset.order_by(*ordering)

    @property
    def ranked(self) -> bool:
        """Whether the results are search matches with a rank (search words were given)."""
        return "rank" in super().qs.query.annotations

    def filter_sector(self, queryset, name, value):
        # By id, not by a join on the slug: PostgreSQL then knows how many rows the sector
        # has (its statistics of sector_id) and walks the sort's index instead of sorting
        # thousands of rows (a sector, a minimum value and "closing soon": 30 ms to 0.2 ms).
        sector_id = self.sector_ids.get(value)
        return queryset.filter(sector_id=sector_id) if sector_id else queryset.none()

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_hs(self, queryset, name, value):
        """A chapter, heading or subheading by its digits, or a product by its name."""
        if not any(ch.isalpha() for ch in value):
            code = "".join(ch for ch in value if ch.isdigit())[:6]
            return queryset.filter(hs_code__code__startswith=code) if code else queryset
        return queryset.filter(hs_code_id__in=codes_under(value))

    def filter_deadline(self, queryset, name, value):
        return queryset.filter(deadline__date__lte=value, deadline__gte=timezone.now())

    def sort_by(self, queryset, name, value):
        return queryset  # applied last, in qs, once the search rank exists


def _read_reference_choices() -> tuple[list, list, dict]:
    active = list(Sector.objects.active().only("pk", "slug", "name_es", "name_en"))
    sectors = [(sector.slug, sector.name) for sector in active]
    regions = list(
        Region.objects.order_by("country", "name").values_list("country", "code", "name")
    )
    return sectors, regions, {sector.slug: sector.pk for sector in active}


_CHOICES: dict[str, tuple[list, list, dict]] = {}  # this process's copy of the latest versions


def reference_choices() -> tuple[list, list]:
    """The sectors' choices and the regions' rows, read once per version of the reference data
    and language, not per request: a sector or region change moves the SECTORS version (its
    admin and importers announce it, tradeportal.pagecache)."""
    sectors, regions, _ids = _reference()
    return sectors, regions


def _reference() -> tuple[list, list, dict]:
    """reference_choices() and the active sectors' ids by slug."""
    try:
        key = f"reference-choices:{get_language()}:{pagecache.versions(pagecache.SECTORS)}"
        found = _CHOICES.get(key) or cache.get(key)
    except Exception:  # the cache is down: read them
        logger.exception("could not read the browse filters' choices")
        return _read_reference_choices()
    if found is None:
        found = _read_reference_choices()
        try:
            cache.set(key, found, CHOICES_SECONDS)
        except Exception:
            logger.exception("could not store the browse filters' choices")
    if key not in _CHOICES:
        if len(_CHOICES) > 8:  # old versions
            _CHOICES.clear()
        _CHOICES[key] = found
    return found


def region_choices(market: str | None, rows=None) -> list:
    """States and regions grouped by country; only the chosen market's once one is chosen."""
    if rows is None:
        rows = Region.objects.order_by("country", "name").values_list("country", "code", "name")
    groups: dict[str, list] = {}
    for country, code, name in rows:
        if not market or country == market:
            groups.setdefault(country, []).append((code, name))
    return [(Country(country).label, options) for country, options in groups.items()]


def open_opportunities():
    """Opportunities a visitor can browse: published, not past their deadline."""
    return _open_opportunities().all()  # a copy: the ORM built its filters once per process


@functools.cache
def _open_opportunities():
    return (
        Opportunity.objects.open()
        .select_related("hs_code", "sector", "market_region", "dataset", "company")
        # A subquery rather than a join: counting the results then reads the opportunity
        # table (or its browse index) alone. It names the companies that are not verified, a
        # partial index of their own (company_unverified_idx): the verified ones are nearly all
        # of them (100,000 scanned and hashed on every query at bench-api's scale).
        .exclude(
            Q(kind=Opportunity.Kind.REQUEST)
            & (
                Q(company__isnull=True)
                | Q(company__in=Company.objects.exclude(status=Company.Status.VERIFIED))
            )
        )
    )
