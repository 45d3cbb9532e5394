"""Magic-link sign-in for the customer portal: single use, 15 minutes, only a hash is stored.

The portal session is separate from staff auth: the customer's id sits in the session under
SESSION_KEY and no Django user is logged in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from postventa.customers.models import Customer
from postventa.helpdesk.models import PortalLoginToken

SESSION_KEY = "portal_customer_id"


def token_minutes() -> int:
    return int(getattr(settings, "HELPDESK_PORTAL_LINK_MINUTES", 15))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _current(customer: Customer | None) -> Customer | None:
    for _i in range(5):
        if customer is None or customer.merged_into_id is None:
            break
        customer = Customer.objects.filter(pk=customer.merged_into_id).first()
    if customer is None or customer.erased_at is not None:
        return None
    return customer


def portal_login_request(*, email: str, now: dt.datetime | None = None) -> PortalLoginToken | None:
    """Email a sign-in link to the customer who owns `email`; silently nothing for unknown addresses.

    The caller shows the same answer either way, so the form cannot reveal who is a customer.
    Runs outside a transaction: the token row commits before the email is sent.
    """
    from postventa.customers.selectors import customer_find
    from postventa.notifications.services import NotificationNotSent, notify_customer

    now = now or timezone.now()
    address = (email or "").strip().lower()[:254]
    if "@" not in address or "\x00" in address:
        return None
    customer = _current(customer_find(email=address))
    if customer is None:
        return None
    secret = secrets.token_urlsafe(32)
    token = PortalLoginToken.objects.create(
        customer=customer,
        token_hash=_hash(secret),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=token_minutes()),
    )
    url = settings.BASE_URL + reverse("portal:help_login_link", kwargs={"token": secret})
    # A failed send is recorded on the notification; the customer can ask for another link.
    with contextlib.suppress(NotificationNotSent):
        notify_customer(
            customer=customer,
            template="portal_login",
            context={"first_name": customer.first_name, "login_url": url, "minutes": token_minutes()},
            idempotency_key=f"portal-login:{token.pk}",
            related=token,
            now=now,
        )
    return token


@transaction.atomic
def portal_login_consume(*, secret: str, now: dt.datetime | None = None) -> Customer | None:
    """The customer a valid, unused, unexpired link belongs to (the link is spent); else None."""
    now = now or timezone.now()
    if not secret or len(secret) > 200:
        return None
    token = (
        PortalLoginToken.objects.select_for_update()
        .select_related("customer")
        .filter(token_hash=_hash(secret))
        .first()
    )
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    token.used_at = now
    token.save(update_fields=["used_at"])
    return _current(token.customer)


def portal_customer(session) -> Customer | None:
    """The signed-in portal customer of this session, if any (follows merges, drops erased)."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, int):
        return None
    return _current(Customer.objects.filter(pk=raw).first())
