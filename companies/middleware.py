"""Signed-in users are asked to accept a new version of the privacy notice before going on."""

import re
from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from companies import selectors

SESSION_KEY = "privacy_version"
LANGUAGE_PREFIX = re.compile(r"^/en(?=/)")
# Pages reachable without accepting: the notice itself, signing out, downloading one's data and
# deleting one's account, notification settings and unsubscribing, the admin, the API (tokens;
# partners accept nothing), files and health checks.
EXEMPT = ("/privacy/", "/accounts/logout/", "/companies/privacy/", "/notifications/", "/admin/")
EXEMPT_TOO = ("/api/", "/static/", "/media/", "/health/", "/i18n/", "/jsi18n/", "/robots.txt")


class PrivacyConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.must_ask(request):
            url = reverse("privacy_accept")
            return redirect(f"{url}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def must_ask(request) -> bool:
        """A page (GET, not htmx) for a signed-in user who has not accepted the notice in force."""
        if request.method != "GET" or request.headers.get("HX-Request"):
            return False
        if not request.user.is_authenticated:
            return False
        path = LANGUAGE_PREFIX.sub("", request.path_info)
        if path.startswith(EXEMPT + EXEMPT_TOO):
            return False
        notice = selectors.current_privacy_notice()
        if notice is None or request.session.get(SESSION_KEY) == notice.version:
            return False
        if selectors.has_accepted(request.user, notice):
            request.session[SESSION_KEY] = notice.version
            return False
        return True
