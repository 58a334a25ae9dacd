"""What the fetchers share: an HTTP client that retries, keeps to a request rate, says who it is,
and errors that name the part of the fetch (state, month, page) that failed."""

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from django.conf import settings
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
    """A 5xx answer: worth another try."""


RETRIED = (httpx.TimeoutException, httpx.TransportError, ServerError)


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
        if response.status_code >= 500:
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
