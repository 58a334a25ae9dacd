"""Personal API tokens: create (the key is returned once), authenticate, revoke."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import ApiToken, User

KEY_PREFIX = "tp_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
    revoked = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(revoked)


def authenticate_key(key: str) -> ApiToken | None:
    """The active token with this key (and its user), noting when it was last used."""
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
