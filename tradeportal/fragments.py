"""HTML fragments rendered once and kept in the Django cache, with the request's own part left out.

A fragment's forms need what differs on every request, the CSRF token and the page to come back
to; the stored HTML holds REQUEST_FIELDS in their place (escaped text cannot hold "<", so only a
template can put it there) and `with_request_fields` puts this request's in when it is served.
"""

import functools
import hashlib
import logging

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)
REQUEST_FIELDS = "<!--request fields-->"
SECONDS = 24 * 3600  # kept a day at most; a fragment's key changes with what it shows


def request_fields(request) -> str:
    """The forms' hidden fields of this request: its CSRF token and the page to come back to."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">',
        get_token(request),
        request.get_full_path(),
    )


def with_request_fields(html: str, request) -> str:
    return mark_safe(html.replace(REQUEST_FIELDS, request_fields(request)))  # our own HTML


@functools.cache
def template_stamp(*names: str) -> str:
    """A digest of the templates' text, so that a changed template gets new keys (read once per
    process: templates change with a deploy, which restarts it)."""
    text = "".join(get_template(name).template.source for name in names)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def kept(key: str | None, build) -> str:
    """The HTML stored under `key`, or `build()`'s, stored there for the next request (`key`
    None, or the cache down: built, not stored)."""
    if key is not None:
        try:
            found = cache.get(key)
        except Exception:  # the cache is down: build it
            logger.exception("could not read a cached fragment")
            return build()
        if found is not None:
            return mark_safe(found)  # HTML this project rendered and stored
    html = build()
    if key is not None:
        try:
            cache.set(key, str(html), SECONDS)
        except Exception:
            logger.exception("could not store a fragment")
    return html


def rendered(key: str | None, template: str, context: dict, request) -> str:
    """`template` rendered with `context` (which may show REQUEST_FIELDS as `request_fields`),
    kept under `key` (`kept`), with this request's fields put in."""
    fields = {"request_fields": mark_safe(REQUEST_FIELDS)}
    html = kept(key, lambda: get_template(template).render({**context, **fields}))
    return with_request_fields(html, request)
