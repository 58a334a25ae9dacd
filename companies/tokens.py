"""Personal API tokens: create (the key is returned once), authenticate, revoke.

A token's lookup (the token and its user, without the password hash) is kept in the cache until
its last use is due to be written again, so a client's requests within that minute read no
token from the database. Whatever ends a token (revoking it, deactivating or deleting its user)
first puts a mark in its place that no lookup may overwrite: the next request reads the
database and is refused there, at once.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from companies.models import ApiToken, User

logger = logging.getLogger(__name__)
KEY_PREFIX = "tp_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
CACHE_PREFIX = "api-token:"
FORGOTTEN = "forgotten"  # the mark that replaces a token's lookup: read the database


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with its key, which is never stored nor shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=key[:10], key_hash=hash_key(key)
    )
    return token, key


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens; it stops working at once. False if there was none."""
    tokens = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True)
    forget(tokens)
    return bool(tokens.update(revoked_at=timezone.now()))


def forget(tokens) -> None:
    """Drop the cached lookups of `tokens` (a queryset) before they are revoked or their user is
    deactivated or deleted. A cache that cannot be written raises: the change must not go on
    while a cached lookup could still let the token in."""
    hashes = list(tokens.values_list("key_hash", flat=True))
    seconds = int(LAST_USED_RESOLUTION.total_seconds())
    cache.set_many({CACHE_PREFIX + key_hash: FORGOTTEN for key_hash in hashes}, seconds)


def forget_user(user: User) -> None:
    """Drop the cached lookups of every token of `user` (see forget)."""
    forget(ApiToken.objects.filter(user=user))


def authenticate_key(key: str) -> ApiToken | None:
    """The active token with this key (and its user), noting when it was last used."""
    key_hash = hash_key(key)
    now = timezone.now()
    token = _cached(key_hash)
    if token is not None and now - token.last_used_at <= LAST_USED_RESOLUTION:
        return token
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .defer("user__password")  # never copied to the cache
        .filter(key_hash=key_hash)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    _remember(key_hash, token, until=token.last_used_at + LAST_USED_RESOLUTION)
    return token


def _cached(key_hash: str) -> ApiToken | None:
    try:
        found = cache.get(CACHE_PREFIX + key_hash)
    except Exception:  # the cache is down: the database answers
        logger.exception("could not read a cached API token")
        return None
    return found if isinstance(found, ApiToken) else None


def _remember(key_hash: str, token: ApiToken, *, until) -> None:
    seconds = int((until - timezone.now()).total_seconds())
    if seconds < 1:
        return
    try:
        cache.add(CACHE_PREFIX + key_hash, token, seconds)  # never over a FORGOTTEN mark
    except Exception:
        logger.exception("could not cache an API token")
