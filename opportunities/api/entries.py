"""The opportunity list's entries built from plain rows, not from model instances.

A list page reads its rows with `.values()` (the entry's own columns and the few columns of its
region, HS code, sector and buyer, in one query with their joins) and builds each entry as a
dict: no model instances, no DRF walk over nested serializers. The JSON is OpportunitySerializer's:
each plain value goes through that serializer's own field (`to_representation`: decimals as
strings, datetimes in the site's time zone, an empty source URL as null), the nested ones are
written as its brief serializers write them, in its field order. tests/api checks each entry
against the detail's.
"""

from functools import cache
from types import SimpleNamespace

from django.urls import reverse

from opportunities.api import serializers
from tradeportal.i18n import localized

RELATED = (
    "market_region__code",
    "market_region__name",
    "hs_code__code",
    "hs_code__level",
    "hs_code__description_es",
    "hs_code__description_en",
    "sector__slug",
    "company__id",
    "company__legal_name",
    "company__trade_name",
)


@cache
def _plain() -> tuple[tuple[str, str, object], ...]:
    """(name, column, to_representation) of each plain field of the entry."""
    fields = serializers.OpportunitySerializer().fields
    return tuple(
        (name, field.source, field.to_representation)
        for name, field in fields.items()
        if name not in serializers.OpportunitySerializer.NESTED
    )


def rows(queryset):
    """The list's rows as dicts with what an entry shows (and the sort's annotations, such as
    the search rank, that its keyset pages need)."""
    columns = [source for _name, source, _represent in _plain()]
    ordering = [
        item.lstrip("-") if isinstance(item, str) else getattr(item.expression, "name", "")
        for item in queryset.query.order_by
    ]
    annotations = [name for name in ordering if name in queryset.query.annotations]
    return queryset.select_related(None).values(*columns, *RELATED, *annotations)


def entries(rows: list[dict], request) -> list[dict]:
    """The list entries of `rows` (from `rows`), in order."""
    plain = _plain()
    order = serializers.OpportunitySerializer.Meta.fields
    data = []
    for row in rows:
        entry = {}
        for name, source, represent in plain:
            value = row[source]
            entry[name] = None if value is None else represent(value)
        region = row["market_region__code"]
        entry["market_region"] = region and {"code": region, "name": row["market_region__name"]}
        code = row["hs_code__code"]
        names = SimpleNamespace(
            description_es=row["hs_code__description_es"],
            description_en=row["hs_code__description_en"],
        )
        entry["hs_code"] = code and {
            "code": code,
            "level": row["hs_code__level"],
            "description": localized(names, "description"),
        }
        entry["sector"] = row["sector__slug"]
        company = row["company__id"]
        entry["buyer"] = company and {
            "id": company,
            "name": row["company__trade_name"] or row["company__legal_name"],
        }
        path = reverse("opportunities:detail", args=[row["id"]])
        entry["url"] = request.build_absolute_uri(path)
        data.append({name: entry[name] for name in order})
    return data
