"""Public pages cached whole for anonymous visitors, per URL and language, in the Django cache.

A page is served from the cache only to a request without a session or a messages cookie (so
never to a signed-in visitor), and stored only when it was rendered for an anonymous visitor
without a CSRF token or a cookie of its own: nothing in it belongs to one visitor.

Every page is stored with the version that was current when it was rendered, and served only
while that version is current. Anything that can change a public page (an opportunity published,
changed or closed, demand regenerated, a sector, an HS code, a data set, a region or a company
changed, reference data imported) calls `public_pages_changed()`, which moves to a new version
once the transaction commits; the next request renders afresh. What no write announces (a
deadline passing, a hand-written SQL update) shows at most PUBLIC_PAGE_CACHE_SECONDS late, the
lifetime of a cached page.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)
VERSION_KEY = "public-pages:version"
MESSAGES_COOKIE = "messages"


def public_pages_changed() -> None:
    """Stop serving the cached public pages once the current transaction commits."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # the cache is down: pages are then rendered, or expire on their own
        logger.exception("could not invalidate the cached public pages")


def _lookup(key: str) -> tuple[int, tuple | None]:
    """The current version and the page stored under `key`, in one round trip."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:  # never set, or evicted: start a version no stored page can carry
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version, found.get(key)


def _page_key(request) -> str:
    variant = f"{request.LANGUAGE_CODE}|{bool(request.htmx)}|{request.get_full_path()}"
    return f"public-page:{hashlib.sha256(variant.encode()).hexdigest()}"


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


def cache_public_page(view):
    """Serve `view` from the cache to anonymous visitors; store what it renders for them."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _served_from_cache(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        try:
            version, stored = _lookup(key)
        except Exception:  # the cache is down: render the page instead
            logger.exception("could not read the cached public pages")
            return view(request, *args, **kwargs)
        if stored is not None and stored[0] == version:
            _version, headers, content = stored
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            # Only the view's own headers are kept; middleware adds the rest on every response.
            _store(key, (version, dict(response.headers), response.content))
            response["X-Cache"] = "miss"
        return response

    return wrapper


def _store(key: str, page: tuple[int, dict, bytes]) -> None:
    try:
        cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    except Exception:
        logger.exception("could not store a public page in the cache")
