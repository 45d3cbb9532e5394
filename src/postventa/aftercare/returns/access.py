"""Signed links that let a customer reach their return (and its label) from an email, no login."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from postventa.aftercare.returns.models import ReturnRequest

SALT = "postventa.returns.access"
TOKEN_MAX_AGE = 60 * 60 * 24 * 120  # a return link in an email works for four months


def make_token(request: ReturnRequest) -> str:
    return signing.dumps({"r": request.pk, "n": request.number}, salt=SALT, compress=True)


def request_from_token(token: str) -> ReturnRequest | None:
    try:
        data = signing.loads((token or "")[:500], salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        ReturnRequest.objects.select_related("customer", "order")
        .filter(pk=data.get("r"), number=data.get("n"))
        .first()
    )


def portal_url(request: ReturnRequest) -> str:
    """The customer's page for this return, opened through a signed link."""
    return settings.BASE_URL + reverse("portal:return_link", kwargs={"token": make_token(request)})


def label_url(request: ReturnRequest) -> str:
    return settings.BASE_URL + reverse("portal:return_label_link", kwargs={"token": make_token(request)})
