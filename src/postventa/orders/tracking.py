"""Public order tracking: signed links for emails and the number + email/postcode match."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse

from postventa.orders import selectors
from postventa.orders.models import Order

SALT = "postventa.orders.tracking"
TOKEN_MAX_AGE = 60 * 60 * 24 * 180  # a tracking link in an email works for six months


def make_token(order: Order) -> str:
    return signing.dumps({"o": order.pk, "n": order.number}, salt=SALT, compress=True)


def order_from_token(token: str) -> Order | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    order = Order.objects.select_related("customer").filter(pk=data.get("o"), number=data.get("n")).first()
    return order


def tracking_url(order: Order) -> str:
    return settings.BASE_URL + reverse("portal:tracking_link", kwargs={"token": make_token(order)})


def _norm_postcode(value: str) -> str:
    return "".join((value or "").split()).upper()


def match(*, number: str, email: str = "", postcode: str = "") -> Order | None:
    """The order if the number and (email or postcode) match; None otherwise, without hinting why."""
    order = selectors.find_for_tracking(number)
    email = (email or "").strip().lower()
    postcode = _norm_postcode(postcode)
    if order is None or not (email or postcode):
        return None
    if email:
        emails = {order.customer.email.lower()} | {
            e.lower() for e in order.customer.emails.values_list("email", flat=True)
        }
        if any(hmac.compare_digest(email, known) for known in emails if known):
            return order
    if (
        postcode
        and order.ship_postcode
        and hmac.compare_digest(postcode, _norm_postcode(order.ship_postcode))
    ):
        return order
    return None
