"""Fixed-window rate limits on the shared cache (database or Redis), so every process counts."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from postventa.core.errors import RateLimited


def hit(scope: str, identity: str, *, limit: int, window_seconds: int = 60) -> None:
    """Count one request of `identity` in `scope`; raise RateLimited past `limit` per window."""
    if getattr(settings, "RATE_LIMITS_DISABLED", False):
        return
    bucket = int(time.time() // window_seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{bucket}"
    if cache.add(key, 1, timeout=window_seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_seconds + 5)
            count = 1
    if count > limit:
        raise RateLimited(_("Too many requests. Please wait a minute and try again."))


def client_identity(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"
