"""The browse page's filters, read from the URL so a search can be shared and bookmarked."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Region
from opportunities import search
from opportunities.models import Opportunity, Sector
from tradeportal.i18n import Country

SORTS = {
    "relevance": ("-rank", "-value_usd", "-pk"),
    "value": (F("value_usd").desc(nulls_last=True), "-pk"),
    "newest": ("-published_at", "-pk"),
    "closing": (F("deadline").asc(nulls_last=True), "-pk"),
}


class OpportunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Opportunity.Kind.choices)
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.active(), to_field_name="slug"
    )
    market = django_filters.ChoiceFilter(
        label=_("Market"), field_name="market_country", choices=Country.choices
    )
    region = django_filters.ModelChoiceFilter(
        label=_("State or region"), field_name="market_region", queryset=Region.objects.all()
    )
    hs = django_filters.CharFilter(label=_("HS chapter or heading"), method="filter_hs")
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

    @property
    def qs(self):
        queryset = super().qs
        if "rank" not in queryset.query.annotations:
            queryset = search.search(queryset, "")
        return queryset.order_by(*SORTS[self.form.cleaned_data.get("sort") or "relevance"])

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_hs(self, queryset, name, value):
        code = "".join(ch for ch in value if ch.isdigit())[:6]
        return queryset.filter(hs_code__code__startswith=code) if code else queryset

    def filter_deadline(self, queryset, name, value):
        return queryset.filter(deadline__date__lte=value, deadline__gte=timezone.now())

    def sort_by(self, queryset, name, value):
        return queryset  # applied last, in qs, once the search rank exists


def open_opportunities():
    """Opportunities a visitor can browse: published, not past their deadline."""
    return (
        Opportunity.objects.open()
        .select_related("hs_code", "sector", "market_region", "dataset", "company")
        .filter(~Q(kind=Opportunity.Kind.REQUEST) | Q(company__status="verified"))
    )
