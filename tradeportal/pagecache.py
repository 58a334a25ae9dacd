"""Public pages cached whole for anonymous visitors, per URL and language, in the Django cache.

A page is served from the cache only to a request without a session or a messages cookie (so
never to a signed-in visitor), and stored only when it was rendered for an anonymous visitor
without a CSRF token or a cookie of its own: nothing in it belongs to one visitor.

Each page depends on areas of public data (AREAS: opportunities, sectors, the directory of
companies, trade statistics) and is stored with the versions its areas had when it was rendered;
it is served only while they are current. The services (and the admin, through
`ChangesPublicPages`) that change public data call `public_pages_changed(area, ...)` for the
areas they change, which moves those areas to a new version once the transaction commits: a
pending firm saving a wizard step changes nothing public and flushes nothing. What no write
announces (a deadline passing, a hand-written SQL update) shows at most
PUBLIC_PAGE_CACHE_SECONDS late, the lifetime of a cached page.

The key is built from the page's path, language, htmx variant and its cleaned query parameters
(those the page reads, stripped, empty ones dropped, in a fixed order): unknown parameters
(`?v=123`) map to the same entry, and a page is stored only for a request that holds nothing
else and whose filters are valid, so the key space is bounded by the valid pages.
"""

import contextvars
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import urlencode

logger = logging.getLogger(__name__)
MESSAGES_COOKIE = "messages"
OPPORTUNITIES, SECTORS, DIRECTORY, TRADE = "opportunities", "sectors", "directory", "trade"
GUIDE = "guide"  # the exporter's guide
AREAS = (OPPORTUNITIES, SECTORS, DIRECTORY, TRADE, GUIDE)
# The versions read by this request (VersionsPerRequest): every fragment of a page keys on the
# same ones, read in one round trip; None outside a request (tasks, commands).
_held: contextvars.ContextVar[dict | None] = contextvars.ContextVar("page_versions", default=None)


def _version_key(area: str) -> str:
    return f"public-pages:version:{area}"


def public_pages_changed(*areas: str) -> None:
    """Stop serving the cached pages that show these areas once the transaction commits."""
    unknown = set(areas) - set(AREAS)
    if not areas or unknown:
        raise ValueError(f"name the areas that changed, among {AREAS} (got {areas})")
    transaction.on_commit(lambda: _new_versions(areas))


def _new_versions(areas) -> None:
    held = _held.get()
    if held is not None:  # what this request renders next shows the change
        for area in areas:
            held.pop(area, None)
    try:
        now = time.time_ns()
        cache.set_many({_version_key(area): now for area in areas}, timeout=None)
    except Exception:  # the cache is down: pages are then rendered, or expire on their own
        logger.exception("could not invalidate the cached public pages")


def _lookup(key: str, areas) -> tuple[tuple, tuple | None]:
    """The current versions of the areas and the page stored under `key`, in one round trip."""
    keys = [_version_key(area) for area in areas]
    found = cache.get_many([*keys, key])
    missing = [k for k in keys if found.get(k) is None]
    if missing:  # never set, or evicted: start versions no stored page can carry
        for k in missing:
            cache.add(k, time.time_ns(), timeout=None)
        found.update(cache.get_many(missing))
    return tuple(found.get(k) for k in keys), found.get(key)


def versions(*areas: str) -> tuple:
    """The current versions of `areas`: a key built with them changes when one of them does.

    For fragments (cards, form options) cached beside the pages and shared by all visitors.
    Within a request, every area's version is read at the first call and kept until its end."""
    held = _held.get()
    if held is None:
        return _lookup(_version_key(areas[0]), areas)[0]
    if any(area not in held for area in areas):
        held.update(zip(AREAS, _lookup(_version_key(AREAS[0]), AREAS)[0], strict=True))
    return tuple(held[area] for area in areas)


class VersionsPerRequest:
    """Middleware: the versions of the public data areas are read once for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _held.set({})
        try:
            return self.get_response(request)
        finally:
            _held.reset(token)


def _cleaned_params(request, params: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted(
        (name, value.strip())
        for name in params
        for value in request.GET.getlist(name)
        if value.strip()
    )


def _page_key(request, params: tuple[str, ...]) -> str:
    query = urlencode(_cleaned_params(request, params))
    variant = f"{request.LANGUAGE_CODE}|{bool(request.htmx)}|{request.path}|{query}"
    return f"public-page:{hashlib.sha256(variant.encode()).hexdigest()}"


def _canonical(request, params: tuple[str, ...], filters) -> bool:
    """Whether the request holds only the page's parameters, each valid: what may be stored."""
    if set(request.GET) - set(params):
        return False
    page = request.GET.get("page", "1")
    if not (page.isdigit() and int(page) > 0):
        return False
    return filters is None or filters(request.GET).is_valid()


def _served_from_cache(request) -> bool:
    """Only plain anonymous GETs: a session or pending messages may change what a page shows."""
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.user.is_authenticated
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not request.session.modified
    )


def cache_public_page(*areas: str, filters=None, params: tuple[str, ...] = ()):
    """Serve the view from the cache to anonymous visitors; store what it renders for them.

    `areas`: the public data the page shows (AREAS). `filters`: the page's FilterSet class, whose
    fields (and `page`) are the parameters of the key, and whose validity decides whether a page
    may be stored; `params`: the parameters of a page without filters."""
    if any(callable(area) for area in areas):
        raise TypeError("use @cache_public_page(*areas, filters=...): name what the page shows")
    if set(areas) - set(AREAS):  # none: a page without data, cached until it expires
        raise ValueError(f"name the areas the page shows, among {AREAS} (got {areas})")
    if filters is not None:
        params = (*filters.base_filters, "page")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _served_from_cache(request):
                return view(request, *args, **kwargs)
            key = _page_key(request, params)
            try:
                versions, stored = _lookup(key, areas)
            except Exception:  # the cache is down: render the page instead
                logger.exception("could not read the cached public pages")
                return view(request, *args, **kwargs)
            held = _held.get()
            if held is not None:
                held.update(zip(areas, versions, strict=True))  # the fragments key on them too
            if stored is not None and stored[0] == versions:
                _versions, headers, content = stored
                response = HttpResponse(content, headers=headers)
                response["X-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response) and _canonical(request, params, filters):
                # Only the view's own headers are kept; middleware adds the rest every time.
                _store(key, (versions, dict(response.headers), response.content))
                response["X-Cache"] = "miss"
            return response

        return wrapper

    return decorator


class ChangesPublicPages:
    """Admin mixin: saving or deleting through this admin invalidates `public_page_areas`."""

    public_page_areas: tuple[str, ...] = AREAS

    def _changed(self) -> None:
        public_pages_changed(*self.public_page_areas)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._changed()


def _store(key: str, page: tuple[int, dict, bytes]) -> None:
    try:
        cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    except Exception:
        logger.exception("could not store a public page in the cache")
