"""What every part of the REST API shares: one error shape, pagination, throttles, the language of
the messages and the catch-all 404 of /api/v1/ (the schema's parts are in api_schema.py; the
URLs of /api/v1/ are wired in tradeportal/urls.py).

Settings name the classes here, and DRF imports them while `rest_framework.views` loads: this
module must not import that module (or what imports it) at the top.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

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


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page (25 unless given; at most 100)."
    max_page_size = 100


class _LiveRates:
    """Read the rate from the settings on every request, so they can change without a restart of
    the class (DRF reads them once at import) and tests can set small ones."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    """Requests per anonymous client (its IP address)."""


class UserThrottle(_LiveRates, UserRateThrottle):
    """Requests per signed-in user, whether by session or by any of their tokens. Anonymous
    clients are AnonThrottle's alone (DRF's user throttle would count them by address too, so
    the lower of the two rates would apply to them)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
