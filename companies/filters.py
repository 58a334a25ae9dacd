"""The public directory's filters (search, country, region, sector, size, trade), shared by the
directory page and the API's company list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from companies.models import Company, Direction, Region, SizeBand
from opportunities.reference.hs import search_codes
from opportunities.reference.models import Sector
from tradeportal.i18n import Country
from tradeportal.text import fold


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Name, product or description"), method="search"
    )
    country = django_filters.ChoiceFilter(label=gettext_lazy("Country"), choices=Country.choices)
    region = django_filters.ModelChoiceFilter(
        label=gettext_lazy("State or region"), queryset=Region.objects.all()
    )
    sector = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Sector"),
        field_name="sectors",
        queryset=Sector.objects.active(),
        to_field_name="slug",
    )
    size = django_filters.ChoiceFilter(label=gettext_lazy("Size"), choices=SizeBand.choices)
    trade = django_filters.ChoiceFilter(
        label=gettext_lazy("Trades"),
        choices=Direction.choices,
        field_name="products__direction",
        distinct=True,
    )

    class Meta:
        model = Company
        fields: list[str] = []

    def search(self, queryset, name, value):
        text = value.strip()
        codes = [c.code for c in search_codes(text, levels=(2, 4, 6), limit=50)]
        return queryset.filter(
            Q(legal_name__icontains=text)
            | Q(trade_name__icontains=text)
            | Q(description__icontains=text)
            | Q(products__hs_code__in=codes)
            | Q(products__hs_code__search_text__contains=fold(text))
        ).distinct()
