"""Public order tracking (no login): order number + email or postcode, or a signed email link.

Every miss looks the same (same page, same status, same message), so the form cannot be used to
learn whether an order number exists; requests are rate-limited per IP.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from postventa.core.errors import RateLimited
from postventa.core.ratelimit import client_identity, hit
from postventa.orders import pipeline, tracking


def _limited(request) -> bool:
    try:
        hit("tracking", client_identity(request), limit=settings.PUBLIC_RATE_LIMIT_PER_MINUTE)
    except RateLimited:
        return True
    return False


def _result(request, order):
    """The order's timeline, in the visitor's chosen language or else the customer's."""
    chose = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = translation.get_language() if chose else (order.customer.language or settings.LANGUAGE_CODE)
    history = [c for c in order.status_changes.all() if pipeline.STATUSES.get(c.to_status) and
               (pipeline.STATUSES[c.to_status].customer_visible or c.from_status == "")]  # fmt: skip
    # How far along the usual path the order is, for the progress bar (final failures show none).
    steps = [
        pipeline.PAID,
        pipeline.PREPARING,
        pipeline.SHIPPED,
        pipeline.OUT_FOR_DELIVERY,
        pipeline.DELIVERED,
    ]
    done = steps.index(order.status) + 1 if order.status in steps else None
    context = {
        "order": order,
        "percent": int(done * 100 / len(steps)) if done else None,
        "history": history,
        "shipments": list(order.shipments.prefetch_related("events")),
        "lines": list(order.lines.all()),
    }
    try:
        zone = zoneinfo.ZoneInfo(order.customer.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        return render(request, "portal/tracking/result.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = {"number": request.GET.get("number", "")[:40], "email": "", "postcode": ""}
    if request.method == "GET":
        return render(request, "portal/tracking/form.html", {"form": form})
    if _limited(request):
        return render(request, "portal/tracking/form.html", {"form": form, "limited": True}, status=429)
    form = {k: request.POST.get(k, "").strip()[:254] for k in ("number", "email", "postcode")}
    order = tracking.match(number=form["number"], email=form["email"], postcode=form["postcode"])
    if order is None:
        return render(request, "portal/tracking/form.html", {"form": form, "not_found": True})
    return _result(request, order)


@never_cache
def track_link(request, token: str):
    if _limited(request):
        return render(request, "portal/tracking/form.html", {"form": {}, "limited": True}, status=429)
    order = tracking.order_from_token(token[:500])
    if order is None:
        return render(request, "portal/tracking/form.html", {"form": {}, "not_found": True})
    return _result(request, order)
