"""API tokens: created once, stored hashed, scoped, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.accounts.models import ApiToken, User
from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.permissions import SCOPE_AREAS, require

TOKEN_PREFIX = "pv_"
VALID_SCOPES = frozenset(f"{area}:{mode}" for area in SCOPE_AREAS for mode in ("read", "write"))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, acting_user: User, owner: User, name: str, scopes: list[str], expires_at=None
) -> tuple[ApiToken, str]:
    """Create a token for `owner`; returns the row and the secret, which is never shown again."""
    if owner.pk != acting_user.pk:
        require(acting_user, "users.manage")
    else:
        require(acting_user, "tokens.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name, so you can recognise it later."))
    unknown = sorted(set(scopes) - VALID_SCOPES)
    if unknown:
        raise ValidationFailed(_("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)})
    if not scopes:
        raise ValidationFailed(_("Choose at least one scope."))
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name[:120],
        user=owner,
        prefix=prefix,
        key_hash=_hash(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    audit.record(
        actor=acting_user, action="api_token.created", target=token, changes={"scopes": [None, token.scopes]}
    )
    return token, secret


@transaction.atomic
def token_revoke(*, acting_user: User, token_id: int) -> ApiToken:
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound(_("That token does not exist."))
    if token.user_id != acting_user.pk:
        require(acting_user, "users.manage")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=acting_user, action="api_token.revoked", target=token)
    return token


def token_authenticate(secret: str) -> User | None:
    """The active user behind a bearer secret, with the token's scopes attached; None if invalid."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=_hash(secret))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.revoked_at or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    # Touch last_used at most once a minute: a write per request would serialise reads on SQLite.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user._api_scopes = frozenset(token.scopes)
    user._api_token_id = token.pk
    return user
