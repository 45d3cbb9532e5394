"""Signed, expiring, single-use links for the customer's quote decision.

The link carries a signed payload (repair, token row, secret, purpose, expiry); the database keeps
only a SHA-256 of the secret. A link works once, before it expires, for the quote version it
was sent with, and only under the repair number it was made for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.repairs.models import QuoteToken, RepairOrder, RepairStatus
from postventa.core.errors import ApplicationError

SALT = "postventa.repairs.quote-decision"
PURPOSE = "quote_decision"


class LinkRefused(ApplicationError):
    code = "link_invalid"
    status = 404


def link_days() -> int:
    return int(getattr(settings, "REPAIRS_QUOTE_LINK_DAYS", 14))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(repair: RepairOrder, *, now: dt.datetime | None = None) -> str:
    """Create a link for the repair's current quote version; returns the token for the URL."""
    now = now or timezone.now()
    secret = secrets.token_urlsafe(24)
    expires = now + dt.timedelta(days=link_days())
    row = QuoteToken.objects.create(
        repair=repair,
        secret_hash=_hash(secret),
        purpose=PURPOSE,
        quote_version=repair.quote_version,
        created_at=now,
        expires_at=expires,
    )
    return signing.dumps(
        {"r": repair.pk, "t": row.pk, "s": secret, "p": PURPOSE, "e": int(expires.timestamp())},
        salt=SALT,
        compress=True,
    )


def url(repair: RepairOrder, token: str) -> str:
    path = reverse("portal:repair_quote", kwargs={"number": repair.number, "token": token})
    return f"{settings.BASE_URL}{path}"


def verify(
    *, repair_number: str, token: str, now: dt.datetime | None = None, lock: bool = False
) -> QuoteToken:
    """The token row behind a valid link, or LinkRefused. Does not mark it used."""
    now = now or timezone.now()
    refused = LinkRefused(_("This link is not valid. Ask us for a new one."))
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        raise refused
    if not isinstance(data, dict) or data.get("p") != PURPOSE:
        raise refused
    try:
        token_id, repair_id, expiry = int(data["t"]), int(data["r"]), int(data["e"])
        secret = str(data["s"])
    except (KeyError, TypeError, ValueError):
        raise refused
    if expiry <= now.timestamp():
        raise LinkRefused(_("This link has expired. Ask us to send the quote again."), code="link_expired")
    qs = QuoteToken.objects.select_related("repair__customer")
    if lock:
        qs = qs.select_for_update()
    row = qs.filter(pk=token_id, repair_id=repair_id, purpose=PURPOSE).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        raise refused
    if row.repair.number != repair_number:
        raise refused
    if row.expires_at <= now:
        raise LinkRefused(_("This link has expired. Ask us to send the quote again."), code="link_expired")
    if row.used_at is not None:
        raise LinkRefused(_("This link has already been used."), code="link_used")
    if row.quote_version != row.repair.quote_version or row.repair.status != RepairStatus.QUOTE_SENT:
        raise LinkRefused(_("This quote is no longer open: it was answered or replaced."), code="link_stale")
    return row
