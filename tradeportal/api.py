"""What every part of the REST API shares: one error shape, pagination, throttles, the language of
the messages and the catch-all 404 of /api/v1/ (the schema's parts are in api_schema.py; the
URLs of /api/v1/ are wired in tradeportal/urls.py).

Settings name the classes here, and DRF imports them while `rest_framework.views` loads: this
module must not import that module (or what imports it) at the top.
"""

import base64
import binascii
import json
import logging
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from http import HTTPStatus

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import F, OrderBy, Q
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.utils.urls import replace_query_param

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


# Language -------------------------------------------------------------------------------------


class ApiMiddleware:
    """Answer the API in the client's language, and every API error in the API's JSON shape.

    Language: LocaleMiddleware gives every path outside i18n_patterns the default language (the
    default has no prefix), which suits the site's pages but not clients sending Accept-Language.
    Errors: the few that Django answers before or around DRF (a CSRF failure on a plain view, an
    unknown host, a crash in a middleware) would otherwise be HTML pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            response = JsonResponse(
                error_body(response.status_code, _generic_message(response.status_code)),
                status=response.status_code,
            )
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ["Accept-Language"])
        return response


def _generic_message(status_code: int) -> str:
    messages = {
        400: _("Bad request."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        500: _("Something went wrong on our side; please try again later."),
    }
    return messages.get(status_code) or HTTPStatus(status_code).phrase


# Errors ---------------------------------------------------------------------------------------

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="A sentence in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Invalid fields and their messages (400 only).",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error of the API has this shape."""

    error = ErrorBodySerializer()


def error_body(status_code: int, message: str, code: str | None = None, fields=None) -> dict:
    body = {
        "status": status_code,
        "code": code or CODES.get(status_code, "error"),
        "message": message,
    }
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    """Turn every exception of an API view into the one error shape, in the request's language."""
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error in %s", context["view"].__class__.__name__, exc_info=exc)
        set_rollback()
        return Response(
            error_body(500, _("Something went wrong on our side; please try again later.")),
            status=500,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or CODES.get(response.status_code)
        if isinstance(exc, Http404) or code == "not_found":
            detail, code = _("Not found."), "not_found"
        response.data = error_body(response.status_code, str(detail), code)
    return response


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    fields = {name: [str(m) for m in _flatten(messages)] for name, messages in detail.items()}
    first = next(iter(fields.values()), [""])
    message = (
        first[0]
        if len(fields) == 1
        else _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(fields)}
    )
    return error_body(400, message, "invalid", fields)


def _flatten(messages) -> list:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flatten(value)]
    return [messages]


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown URLs under /api/ answer in the API's error shape, not the site's 404 page."""
    return JsonResponse(error_body(404, _("Not found.")), status=status.HTTP_404_NOT_FOUND)


def cleaned_data(form) -> dict:
    """Validate API input with the site's own form (each rule written once), or raise a 400."""
    if not form.is_valid():
        raise exceptions.ValidationError(
            {name: list(messages) for name, messages in form.errors.items()}
        )
    return dict(form.cleaned_data)


# Pagination and throttling --------------------------------------------------------------------


class CountingPaginator(Paginator):
    """Django's paginator, which counts only when the first page does not tell: one with fewer
    rows than a full page is the whole list, so the total is its number of rows (a firm's
    matches, at most 20 by default, fit on one). Other pages count first, as Django does, so
    a page number past the end is refused before any OFFSET is sent."""

    def page(self, number):
        if str(number) != "1" or self.orphans or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if not rows and not self.allow_empty_first_page:
            return super().page(number)  # its error
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # the count cached_property's value
        return self._get_page(rows, 1, self)  # a full page: counted when its links need it


class Pagination(PageNumberPagination):
    django_paginator_class = CountingPaginator
    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page (25 unless given; at most 100)."
    max_page_size = 100


class KeysetPagination(BasePagination):
    """Pages read after the last row of the previous page (keyset, or cursor, pagination): no
    count and no OFFSET, so a page costs the same wherever it is and rows added meanwhile
    neither repeat nor vanish. `next` carries the cursor, an opaque token; the order is the
    queryset's own (any sort ending in a unique key, e.g. `-pk`).

    Unlike DRF's CursorPagination, the cursor holds the value of every ordering key, so ties
    (many rows of the same value, or with none) cost nothing, and NULLs sort as PostgreSQL
    sorts them (last ascending, first descending, unless the ordering says otherwise).
    """

    cursor_query_param = "cursor"
    page_size = Pagination.page_size
    page_size_query_param = Pagination.page_size_query_param
    max_page_size = Pagination.max_page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        keys = ordering_keys(queryset)
        token = request.query_params.get(self.cursor_query_param)
        if token:
            queryset = queryset.filter(after(keys, decode_cursor(token, keys)))
        rows = list(queryset[: size + 1])
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_cursor = encode_cursor(keys, rows[-1])
        return rows

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page (its `cursor`), null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [_cursor_parameter(), _page_size_parameter()]


class PageOrKeysetPagination(KeysetPagination):
    """Keyset pages (see KeysetPagination) unless the request names a `page`: then numbered
    pages with the total `count`, as before the keyset pages, for the clients written for
    them (counting costs a pass over every matching row)."""

    def paginate_queryset(self, queryset, request, view=None):
        self.numbered = (
            Pagination() if Pagination.page_query_param in request.query_params else None
        )
        if self.numbered is not None:
            return self.numbered.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.numbered is not None:
            return self.numbered.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        shape = super().get_paginated_response_schema(schema)
        shape["properties"] = {
            "count": {
                "type": "integer",
                "description": "The number of results, with `page` only.",
            },
            **shape["properties"],
            "previous": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": "The previous page, with `page` only.",
            },
        }
        return shape

    def get_schema_operation_parameters(self, view):
        page = {
            "name": Pagination.page_query_param,
            "required": False,
            "in": "query",
            "description": (
                "A page number: numbered pages with the total `count` (slower) instead of the "
                "`cursor` of `next`."
            ),
            "schema": {"type": "integer"},
        }
        return [_cursor_parameter(), page, _page_size_parameter()]


def _cursor_parameter() -> dict:
    return {
        "name": KeysetPagination.cursor_query_param,
        "required": False,
        "in": "query",
        "description": (
            "The page after the one whose `next` gave it (opaque; keep the other parameters)."
        ),
        "schema": {"type": "string"},
    }


def _page_size_parameter() -> dict:
    return {
        "name": Pagination.page_size_query_param,
        "required": False,
        "in": "query",
        "description": Pagination.page_size_query_description,
        "schema": {"type": "integer"},
    }


def ordering_keys(queryset) -> list[tuple[str, bool, bool]]:
    """(attribute, descending, nulls last) for each key of the queryset's ordering."""
    keys = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            name, descending, nulls_last = item.lstrip("-"), item.startswith("-"), None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = True if item.nulls_last else False if item.nulls_first else None
        else:
            raise ImproperlyConfigured(f"keyset pages cannot order by {item!r}")
        if "__" in name:
            raise ImproperlyConfigured(f"keyset pages order by the row's own fields, not {name}")
        keys.append((name, descending, (not descending) if nulls_last is None else nulls_last))
    if not keys or keys[-1][0] not in ("pk", "id"):
        raise ImproperlyConfigured("keyset pages need an ordering ending in the primary key")
    return keys


def after(keys, values) -> Q:
    """The rows after the row whose ordering keys had `values`: the first keys equal and the
    next one further on, for each key in turn."""
    alternatives, equal = [], Q()
    for (name, descending, nulls_last), value in zip(keys, values, strict=True):
        if value is None:
            further = None if nulls_last else Q(**{f"{name}__isnull": False})
        else:
            further = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nulls_last:
                further |= Q(**{f"{name}__isnull": True})
        if further is not None:
            alternatives.append(equal & further)
        same = Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
        equal &= same
    return reduce(lambda a, b: a | b, alternatives) if alternatives else Q(pk__in=[])


def encode_cursor(keys, row) -> str:
    values = [_plain(_value(row, name)) for name, _descending, _nulls in keys]
    text = json.dumps([[name for name, *_ in keys], values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str, keys) -> list:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        names, values = json.loads(text)
        valid = names == [name for name, *_ in keys] and len(values) == len(keys)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid or not all(v is None or isinstance(v, str | int | float) for v in values):
        raise exceptions.NotFound(_("Invalid cursor."))
    return values


def _value(row, name: str):
    """A key of a row: a model instance, or a dict of `.values()` (its primary key as `id`)."""
    if isinstance(row, dict):
        return row["id" if name == "pk" else name]
    return getattr(row, name)


def _plain(value):
    if isinstance(value, Decimal | datetime | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


class _LiveRates:
    """Read the rate from the settings on every request, so they can change without a restart of
    the class (DRF reads them once at import) and tests can set small ones."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


# DRF's sliding window (the times of the requests of the last `duration` seconds, newest first),
# kept as a Redis list and trimmed, checked and added to in one round trip: DRF reads and writes
# the whole list as one pickled value, two round trips, and concurrent requests can lose each
# other's writes. Replies allowed (1 or 0), the requests in the window, the oldest one's time.
THROTTLE_SCRIPT = """
local key, now = KEYS[1], tonumber(ARGV[1])
local duration, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
while true do
  local oldest = redis.call('LINDEX', key, -1)
  if not oldest or tonumber(oldest) > now - duration then break end
  redis.call('RPOP', key)
end
local count = redis.call('LLEN', key)
if count >= limit then
  return {0, count, redis.call('LINDEX', key, -1) or ARGV[1]}
end
redis.call('LPUSH', key, ARGV[1])
redis.call('EXPIRE', key, duration)
return {1, count + 1, redis.call('LINDEX', key, -1)}
"""


class _OneRoundTrip:
    """DRF's throttle in one round trip to Redis (THROTTLE_SCRIPT); DRF's own on other caches
    (the embedded site's memory)."""

    cache_format = "throttle-window_%(scope)s_%(ident)s"  # a list: not DRF's pickled value

    def allow_request(self, request, view):
        run_script = getattr(self.cache, "run_script", None)
        if run_script is None or self.rate is None:
            self.window = None
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        arguments = [repr(self.now), self.duration, self.num_requests]
        allowed, count, oldest = run_script(THROTTLE_SCRIPT, self.key, arguments)
        self.window = (count, float(oldest))
        return bool(allowed)

    def wait(self):
        """DRF's wait, from the window's count and oldest request."""
        if self.window is None:
            return super().wait()
        count, oldest = self.window
        remaining_duration = self.duration - (self.now - oldest) if count else self.duration
        available_requests = self.num_requests - count + 1
        return remaining_duration / available_requests if available_requests > 0 else None


class AnonThrottle(_LiveRates, _OneRoundTrip, AnonRateThrottle):
    """Requests per anonymous client (its IP address)."""


class UserThrottle(_LiveRates, _OneRoundTrip, UserRateThrottle):
    """Requests per signed-in user, whether by session or by any of their tokens. Anonymous
    clients are AnonThrottle's alone (DRF's user throttle would count them by address too, so
    the lower of the two rates would apply to them)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
