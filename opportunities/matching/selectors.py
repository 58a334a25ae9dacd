"""Reads of the matches shared by the dashboard and the API: one queryset, one filter."""

import django_filters
from django.db.models import Q

from opportunities.matching.models import Match
from tradeportal import filtersets


def company_matches(company):
    """The company's live matches (their opportunity still open, their counterpart still
    verified), best first, with what their cards and reasons show."""
    return (
        Match.objects.live()
        .filter(company=company)
        .select_related(
            "opportunity__hs_code",
            "opportunity__sector",
            "opportunity__market_region",
            "opportunity__company",
            "counterpart__region",
        )
        .order_by("-score", "pk")
    )


# A match's counterpart firm as its list entries and cards show it, read beside the match.
COUNTERPART = (
    "counterpart__id",
    "counterpart__legal_name",
    "counterpart__trade_name",
    "counterpart__country",
    "counterpart__region__code",
    "counterpart__region__name",
)


def match_rows(queryset, *columns: str):
    """The matches of `queryset` as plain dicts of `columns` (the match's own, its
    opportunity's as `opportunity__<column>`) and its counterpart's: one query with its joins,
    no model instances."""
    return queryset.select_related(None).values(*columns, *COUNTERPART)


class MatchFilter(filtersets.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Match.Kind.choices)
    status = django_filters.ChoiceFilter(
        choices=Match.Status.choices,
        method="filter_status",
        label="Without it, every match except the dismissed ones",
    )
    sector = django_filters.CharFilter(method="filter_sector", label="Sector slug")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")

    class Meta:
        model = Match
        fields: list[str] = []

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Match.Status.DISMISSED)
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_sector(self, queryset, name, value):
        return queryset.filter(
            Q(opportunity__sector__slug=value) | Q(counterpart__sectors__slug=value)
        )
