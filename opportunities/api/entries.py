"""The opportunity list's and the match list's entries built from plain rows, not from model
instances.

A list page reads its rows with `.values()` (the entry's own columns and the few columns of its
related rows, in one query with their joins) and builds each entry as a dict: no model
instances, no DRF walk over nested serializers. The JSON is the serializer's (OpportunitySerializer,
MatchSerializer): each plain value goes through that serializer's own field (`to_representation`:
decimals as strings, datetimes in the site's time zone, an empty source URL as null), the nested
ones are written as its brief serializers write them, in its field order. tests/api checks each
entry against the detail's.
"""

from functools import cache
from types import SimpleNamespace

from django.urls import reverse

from opportunities.api import serializers
from opportunities.matching import reasons
from opportunities.matching import selectors as match_selectors
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
OPPORTUNITY = "opportunity__"  # a match's opportunity is read as `opportunity__<column>`


@cache
def _plain(serializer_class) -> tuple[tuple[str, str, object], ...]:
    """(name, column, to_representation) of each plain field of the serializer's entries."""
    fields = serializer_class().fields
    return tuple(
        (name, field.source, field.to_representation)
        for name, field in fields.items()
        if name not in serializer_class.NESTED
    )


@cache
def _opportunity_columns() -> tuple[str, ...]:
    plain = _plain(serializers.OpportunitySerializer)
    return (*(source for _name, source, _represent in plain), *RELATED)


def rows(queryset):
    """The list's rows as dicts with what an entry shows (and the sort's annotations, such as
    the search rank, that its keyset pages need)."""
    ordering = [
        item.lstrip("-") if isinstance(item, str) else getattr(item.expression, "name", "")
        for item in queryset.query.order_by
    ]
    annotations = [name for name in ordering if name in queryset.query.annotations]
    return queryset.select_related(None).values(*_opportunity_columns(), *annotations)


def entries(rows: list[dict], request) -> list[dict]:
    """The list entries of `rows` (from `rows`), in order."""
    return [_opportunity(row, request) for row in rows]


def _opportunity(row: dict, request, prefix: str = "") -> dict:
    """An opportunity's entry from the columns of `row` named `prefix` + column."""
    entry = {}
    for name, source, represent in _plain(serializers.OpportunitySerializer):
        value = row[prefix + source]
        entry[name] = None if value is None else represent(value)
    region = row[prefix + "market_region__code"]
    entry["market_region"] = region and {
        "code": region,
        "name": row[prefix + "market_region__name"],
    }
    code = row[prefix + "hs_code__code"]
    names = SimpleNamespace(
        description_es=row[prefix + "hs_code__description_es"],
        description_en=row[prefix + "hs_code__description_en"],
    )
    entry["hs_code"] = code and {
        "code": code,
        "level": row[prefix + "hs_code__level"],
        "description": localized(names, "description"),
    }
    entry["sector"] = row[prefix + "sector__slug"]
    company = row[prefix + "company__id"]
    entry["buyer"] = company and {
        "id": company,
        "name": row[prefix + "company__trade_name"] or row[prefix + "company__legal_name"],
    }
    path = reverse("opportunities:detail", args=[row[prefix + "id"]])
    entry["url"] = request.build_absolute_uri(path)
    return {name: entry[name] for name in serializers.OpportunitySerializer.Meta.fields}


def match_rows(queryset):
    """A match list's rows as dicts: the match's columns, its opportunity's (as the opportunity
    list reads them) and its counterpart's."""
    columns = [source for _name, source, _represent in _plain(serializers.MatchSerializer)]
    opportunity = [OPPORTUNITY + column for column in _opportunity_columns()]
    return match_selectors.match_rows(queryset, *columns, "reasons", "components", *opportunity)


def match_entries(rows: list[dict], request) -> list[dict]:
    """The match list entries of `rows` (from `match_rows`), in order, their reasons rendered
    in the request's language with the product names of the whole page read at once."""
    explained = reasons.render_lists([row["reasons"] for row in rows])
    components = _components()
    data = []
    for row, lines in zip(rows, explained, strict=True):
        entry = {}
        for name, source, represent in _plain(serializers.MatchSerializer):
            value = row[source]
            entry[name] = None if value is None else represent(value)
        has_opportunity = row[OPPORTUNITY + "id"] is not None
        entry["opportunity"] = _opportunity(row, request, OPPORTUNITY) if has_opportunity else None
        entry["counterpart"] = _counterpart(row)
        entry["reasons"] = lines
        entry["components"] = components(row["components"])
        data.append({name: entry[name] for name in serializers.MatchSerializer.Meta.fields})
    return data


@cache
def _components():
    """MatchSerializer's to_representation of the score components."""
    return serializers.MatchSerializer().fields["components"].to_representation


def _counterpart(row: dict) -> dict | None:
    if row["counterpart__id"] is None:
        return None
    region = row["counterpart__region__code"]
    return {
        "id": row["counterpart__id"],
        "name": row["counterpart__trade_name"] or row["counterpart__legal_name"],
        "country": row["counterpart__country"],
        "region": region and {"code": region, "name": row["counterpart__region__name"]},
    }
