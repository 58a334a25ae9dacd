"""What the fetchers share: an HTTP client that retries, keeps to a request rate, says who it is,
and errors that name the part of the fetch (state, month, page) that failed."""

import json
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

USER_AGENT = "TradePortal/0.1 (Mexico-Peru trade statistics fetcher; +{site})"


class FetchError(Exception):
    """A fetch stopped; the message names what failed (state, month, page) and why."""


class ServerError(Exception):
    """A 5xx answer, or 429 (too many requests): worth another try."""


RETRIED = (httpx.TimeoutException, httpx.TransportError, ServerError)
MAX_TEXT = 10_000  # characters of a text field; real names and descriptions are far shorter
MAX_VALUE = 10**15  # US dollars (or units) of one record: no country trades a quadrillion


class RateLimiter:
    """At most `per_second` requests per second across threads."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            time.sleep(delay)


def client(timeout: float = 60.0) -> httpx.Client:
    return httpx.Client(
        timeout=timeout,
        headers={"User-Agent": USER_AGENT.format(site=settings.SITE_URL)},
        follow_redirects=True,
    )


def get_with_retries(
    http: httpx.Client,
    url: str,
    params: dict,
    *,
    limiter: RateLimiter,
    attempts: int = 5,
    max_wait: float = 30.0,
) -> httpx.Response:
    """GET, retrying timeouts, connection errors and 5xx answers with exponential backoff and
    jitter; a 4xx answer is returned as it is (the caller explains it)."""

    @retry(
        retry=retry_if_exception_type(RETRIED),
        wait=wait_random_exponential(multiplier=max_wait / 30, max=max_wait),
        stop=stop_after_attempt(attempts),
        reraise=True,
    )
    def attempt() -> httpx.Response:
        limiter.wait()
        response = http.get(url, params=params)
        if response.status_code >= 500 or response.status_code == 429:
            raise ServerError(f"HTTP {response.status_code}")
        return response

    return attempt()


def write_atomically(path: Path, write: Callable[[object], None]) -> None:
    """Write a file through a temporary file in the same folder, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def decoded_json(response: httpx.Response):
    """The body as JSON: in the charset the answer declares, else strictly UTF-8 (JSON's own)."""
    if response.charset_encoding:
        return json.loads(response.text)
    return json.loads(response.content)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def bad_value(record: dict, *, numbers=(), texts=(), optional_numbers=(), optional_texts=()):
    """Why a record's values cannot be written to a file, or None: numbers must be finite JSON
    numbers from 0 to MAX_VALUE, texts JSON strings of at most MAX_TEXT characters."""
    for field in (*numbers, *optional_numbers):
        value = record.get(field)
        if value is None and field in optional_numbers:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _("%(field)s is not a number: %(value)s") % {
                "field": field,
                "value": _shown(value),
            }
        if not math.isfinite(value) or not 0 <= value < MAX_VALUE:
            return _("%(field)s is out of range: %(value)s") % {
                "field": field,
                "value": _shown(value),
            }
    for field in (*texts, *optional_texts):
        value = record.get(field)
        if value is None and field in optional_texts:
            continue
        if not isinstance(value, str):
            return _("%(field)s is not text: %(value)s") % {"field": field, "value": _shown(value)}
        if len(value) > MAX_TEXT:
            return _("%(field)s is longer than %(n)s characters") % {"field": field, "n": MAX_TEXT}
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("%(field)s is not valid Unicode text") % {"field": field}
    return None
