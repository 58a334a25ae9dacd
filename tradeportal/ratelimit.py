"""A fixed-window counter in the cache, for limits on what a firm may do (messages, quotes)."""

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, period: int) -> bool:
    """Count one action under `key`; False once more than `limit` happened in this window of
    `period` seconds (the refused action is counted too, so hammering does not help)."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period)
        return True
