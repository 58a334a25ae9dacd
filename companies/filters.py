"""The public directory's filters (search, country, region, sector, size, trade), shared by the
directory page and the API's company list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from companies.models import Company, Direction, Region, SizeBand
from opportunities.reference.hs_search import MAX_QUERY, codes_under
from opportunities.reference.models import Sector
from tradeportal.chips import Chip, chips, form_fields
from tradeportal.i18n import Country


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Name, product or description"), method="search"
    )
    country = django_filters.ChoiceFilter(
        label=gettext_lazy("Country"),
        choices=Country.choices,
        empty_label=gettext_lazy("Both countries"),
    )
    region = django_filters.ModelChoiceFilter(
        label=gettext_lazy("State or region"),
        queryset=Region.objects.all(),
        empty_label=gettext_lazy("All states and regions"),
    )
    sector = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Sector"),
        field_name="sectors",
        queryset=Sector.objects.active(),
        to_field_name="slug",
        empty_label=gettext_lazy("All sectors"),
    )
    size = django_filters.ChoiceFilter(
        label=gettext_lazy("Size"), choices=SizeBand.choices, empty_label=gettext_lazy("Any size")
    )
    trade = django_filters.ChoiceFilter(
        label=gettext_lazy("Trades"),
        choices=Direction.choices,
        empty_label=gettext_lazy("Exports or imports"),
        field_name="products__direction",
        distinct=True,
    )

    class Meta:
        model = Company
        fields: list[str] = []

    def active(self, query) -> list[Chip]:
        """The filters in use, each with the link that removes it."""
        if not self.is_bound or not self.form.is_valid():
            return []
        return chips(query, form_fields(self.form), together={"country": ["region"]})

    def search(self, queryset, name, value):
        text = value.strip()[:MAX_QUERY]
        return queryset.filter(
            Q(legal_name__icontains=text)
            | Q(trade_name__icontains=text)
            | Q(description__icontains=text)
            | Q(products__hs_code__in=codes_under(text))
        ).distinct()
