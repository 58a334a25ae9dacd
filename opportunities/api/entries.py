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

from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import NamedTuple

from django.urls import reverse
from django.utils import translation

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
# Stands for the id in the one detail URL reversed per request (digits no host or path has).
_ID_MARK = 918273645546372819


class Page(NamedTuple):
    """What every entry of one response shares: reversed and looked up once, not per entry."""

    url: Callable[[int], str]  # an opportunity's absolute URL by its id
    language: str


def page(request) -> Page:
    """The request's Page: one reverse and one absolute URL for the whole list (one per entry
    was about a tenth of a list's time); the id is the only part of the URL that varies."""
    path = reverse("opportunities:detail", args=[_ID_MARK])
    head, tail = request.build_absolute_uri(path).rsplit(str(_ID_MARK), 1)
    return Page(url=lambda pk: f"{head}{pk}{tail}", language=translation.get_language() or "es")


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
    shared = page(request)
    return [_opportunity(row, shared) for row in rows]


def _opportunity(row: dict, shared: Page, prefix: str = "") -> dict:
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
        "description": localized(names, "description", shared.language),
    }
    entry["sector"] = row[prefix + "sector__slug"]
    company = row[prefix + "company__id"]
    entry["buyer"] = company and {
        "id": company,
        "name": row[prefix + "company__trade_name"] or row[prefix + "company__legal_name"],
    }
    entry["url"] = shared.url(row[prefix + "id"])
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
    explained = reasons.render_lists([row["reasons"] for row in rows], known=_hs_names(rows))
    components = _components()
    shared = page(request)
    data = []
    for row, lines in zip(rows, explained, strict=True):
        entry = {}
        for name, source, represent in _plain(serializers.MatchSerializer):
            value = row[source]
            entry[name] = None if value is None else represent(value)
        has_opportunity = row[OPPORTUNITY + "id"] is not None
        entry["opportunity"] = _opportunity(row, shared, OPPORTUNITY) if has_opportunity else None
        entry["counterpart"] = _counterpart(row)
        entry["reasons"] = lines
        entry["components"] = components(row["components"])
        data.append({name: entry[name] for name in serializers.MatchSerializer.Meta.fields})
    return data


def _hs_names(rows: list[dict]) -> dict[str, SimpleNamespace]:
    """The descriptions of the rows' opportunities' HS codes, which their reasons name."""
    return {
        row[OPPORTUNITY + "hs_code__code"]: SimpleNamespace(
            description_es=row[OPPORTUNITY + "hs_code__description_es"],
            description_en=row[OPPORTUNITY + "hs_code__description_en"],
        )
        for row in rows
        if row[OPPORTUNITY + "hs_code__code"] is not None
    }


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
