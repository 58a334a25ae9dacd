"""The one product search of the site: the company wizard, the buyer-request form, the browse
page's words, the directory and the API's `hs-codes/?q=` all call `search_codes`.

The index (`product_search.ProductIndex`) is built once per process from the HS codes and the
active trade names, and rebuilt when `index_changed()` has been called in any process since (a
version number in the shared cache), so a staff edit in the admin shows at once everywhere.
"""

import logging
import threading
import uuid
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction

from opportunities.reference.models import HSCode, TradeName
from opportunities.reference.product_search import MAX_QUERY, CodeRow, Hit, NameRow, ProductIndex
from tradeportal import pagecache

__all__ = ["MAX_QUERY", "codes_under", "grouped", "hs_choice", "index_changed", "search_codes"]

logger = logging.getLogger(__name__)
VERSION_KEY = "hs-search-index-version"
RELATED = 0.5  # share of the best score a code needs to filter opportunities and companies by
_lock = threading.Lock()
_state: dict[str, object] = {"version": None, "index": None}


def index_changed() -> None:
    """Make every process rebuild its index at its next search, and stop serving cached public
    pages (their search results), once the current transaction commits."""
    transaction.on_commit(_new_version)
    pagecache.public_pages_changed(pagecache.OPPORTUNITIES, pagecache.DIRECTORY, pagecache.SECTORS)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache is down: each process keeps the index it has
        logger.warning("product search: the index version could not be stored")


def _version() -> object:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)  # the one stored, whichever process added it
        return version
    except Exception:  # the cache is down: search with the index this process has
        return _state["version"] or "no-cache"


def current_index() -> ProductIndex:
    """The index of this process, rebuilt when the codes or the trade names changed."""
    version = _version()
    with _lock:
        if _state["version"] != version or _state["index"] is None:
            _state["index"] = build_index()
            _state["version"] = version
        return _state["index"]  # type: ignore[return-value]


def build_index() -> ProductIndex:
    """Read the HS codes and the active trade names (two queries) into a new index."""
    codes = [
        CodeRow(*row)
        for row in HSCode.objects.values_list(
            "code", "level", "parent_id", "description_es", "description_en"
        )
    ]
    names: dict[int, tuple[str, list[str]]] = {}
    pairs = TradeName.codes.through.objects.filter(tradename__is_active=True).values_list(
        "tradename_id", "tradename__name", "hscode_id"
    )
    for name_id, name, code in pairs:
        names.setdefault(name_id, (name, []))[1].append(code)
    return ProductIndex(codes, [NameRow(name, tuple(found)) for name, found in names.values()])


def search_hits(query: str, *, levels: tuple[int, ...] = (4, 6), limit: int = 20) -> list[Hit]:
    """Ranked codes (with their score) for what was typed; empty when nothing usable was typed."""
    return current_index().search(query, levels=levels, limit=limit)


def search_codes(query: str, *, levels: tuple[int, ...] = (4, 6), limit: int = 20) -> list[HSCode]:
    """The HS codes for what was typed (trade names, words, typos or digits), best first."""
    hits = search_hits(query, levels=levels, limit=limit)
    if not hits:
        return []
    found = HSCode.objects.in_bulk([hit.code for hit in hits])
    return [found[hit.code] for hit in hits if hit.code in found]


def codes_under(query: str, *, limit: int = 10) -> list[str]:
    """The best codes for `query` and every code under them: what an opportunity or a company
    product may be filed under ("calamar" finds an opportunity filed under 0307 or 030743)."""
    index = current_index()
    hits = index.search(query, levels=(4, 6), limit=limit)
    found: dict[str, None] = {}
    for hit in hits:
        if hit.score < RELATED * hits[0].score:
            break  # a weak match (a prefix, a word of the heading) would bring unrelated rows
        found.update(dict.fromkeys(index.descendants(hit.code)))
        if hit.level == 6:
            found[hit.code[:4]] = None  # a heading-level record covers its subheadings
    return list(found)


class ResultGroup(NamedTuple):
    """A heading and the subheadings found under it, so the user sees the choice."""

    heading: HSCode
    subheadings: list[HSCode]


def grouped(codes: list[HSCode]) -> list[ResultGroup]:
    """Group ranked codes by heading, in the order each heading first appears (one query for
    the headings not among the codes)."""
    missing = {code.parent_id for code in codes if code.level == 6} - {c.code for c in codes}
    headings = {code.code: code for code in codes if code.level == 4}
    headings.update(HSCode.objects.in_bulk(missing) if missing else {})
    groups: dict[str, ResultGroup] = {}
    for code in codes:
        key = code.code if code.level != 6 else code.parent_id
        if key not in headings and code.level != 6:
            headings[key] = code  # a chapter (directory searches)
        group = groups.setdefault(key, ResultGroup(headings[key], []))
        if code.level == 6:
            group.subheadings.append(code)
    return list(groups.values())


def hs_choice(code: HSCode) -> dict[str, str | int | None]:
    """One code as the type-ahead widget shows it (texts in the active language)."""
    return {
        "code": code.code,
        "level": code.level,
        "description": code.description,
        "heading": code.parent_id if code.level == 6 else None,
    }
