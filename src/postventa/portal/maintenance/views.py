"""Portal: my products' maintenance (next reminders, visits), booking a visit signed in or from a reminder link."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from postventa.aftercare.maintenance import selectors, services
from postventa.aftercare.maintenance.models import ServiceVisit
from postventa.core.errors import ApplicationError
from postventa.portal.auth import customer_required


def _book_context(customer, asset, form=None, error="") -> dict:
    today = services.customer_today(customer, timezone.now())
    return {
        "customer": customer,
        "asset": asset,
        "slots": ServiceVisit.Slot.choices,
        "form": form or {"preferred_date": "", "slot": "any", "note": ""},
        "error": error,
        "min_date": (today + dt.timedelta(days=1)).isoformat(),
        "max_date": (today + dt.timedelta(days=services.BOOKING_HORIZON_DAYS)).isoformat(),
    }


@never_cache
@customer_required
def maintenance_home(request):
    customer = request.portal_customer
    assets = selectors.customer_assets_with_next(customer)
    visits = list(selectors.visit_list(customer_id=customer.pk).order_by("-created_at", "-id")[:20])
    notices = selectors.notices_for_customer(customer.pk, limit=10)
    return render(
        request,
        "portal/maintenance/home.html",
        {"customer": customer, "assets": assets, "visits": visits, "notices": notices},
    )


def _own_asset(customer, asset_id):
    from postventa.catalog.models import Asset

    pk = selectors._pk(asset_id)
    asset = Asset.objects.select_related("product").filter(pk=pk, customer=customer).first() if pk else None
    if asset is None:
        raise Http404
    return asset


@never_cache
@customer_required
@require_http_methods(["GET", "POST"])
def book(request, asset_id: int):
    customer = request.portal_customer
    asset = _own_asset(customer, asset_id)
    if request.method == "GET":
        return render(request, "portal/maintenance/book.html", _book_context(customer, asset))
    form = {k: request.POST.get(k, "")[:2000] for k in ("preferred_date", "slot", "note")}
    try:
        services.visit_book(asset=asset, customer=customer, preferred_date=form["preferred_date"],
                            slot=form["slot"] or "any", note=form["note"], source=ServiceVisit.Source.PORTAL)  # fmt: skip
    except ApplicationError as exc:
        return render(request, "portal/maintenance/book.html", _book_context(customer, asset, form, exc.message),
                      status=400 if exc.status < 500 else exc.status)  # fmt: skip
    messages.success(request, _("Your visit request was sent. We will confirm the time by email."))
    return redirect("portal:maintenance")


@never_cache
@require_http_methods(["GET", "POST"])
def book_from_link(request, token: str):
    """The link in a reminder email: the signed token names the reminder, no sign-in needed."""
    try:
        reminder = services.reminder_from_token(token[:2000])
    except ApplicationError as exc:
        return render(request, "portal/maintenance/link_invalid.html", {"error": exc.message}, status=400)
    customer, asset = reminder.customer, reminder.asset
    if request.method == "GET":
        return render(request, "portal/maintenance/book.html", {**_book_context(customer, asset), "via_link": True})
    form = {k: request.POST.get(k, "")[:2000] for k in ("preferred_date", "slot", "note")}
    try:
        services.visit_book(asset=asset, customer=customer, reminder=reminder, preferred_date=form["preferred_date"],
                            slot=form["slot"] or "any", note=form["note"], source=ServiceVisit.Source.LINK)  # fmt: skip
    except ApplicationError as exc:
        context = {**_book_context(customer, asset, form, exc.message), "via_link": True}
        return render(request, "portal/maintenance/book.html", context, status=400 if exc.status < 500 else exc.status)
    return render(request, "portal/maintenance/booked.html", {"asset": asset, "preferred_date": form["preferred_date"]})


@customer_required
@require_POST
def cancel(request, visit_id: int):
    customer = request.portal_customer
    try:
        visit = selectors.visit_get(visit_id, customer=customer)
    except ApplicationError:
        raise Http404
    try:
        services.visit_cancel(visit=visit, customer=customer, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("The visit was cancelled."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("portal:maintenance")
