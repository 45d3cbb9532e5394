"""Self-service returns: signed in (portal customer) or as a guest (order number + email).

A guest who proves an order (number + an email of its customer, rate-limited, every miss looks
the same) may return items of that order in this browser session; an email link does the same
for one return. Every lookup goes through `_can_see`: another customer's order or return is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from postventa.aftercare.returns import access, labels, selectors, services
from postventa.aftercare.returns.eligibility import active_policy, customer_zone, order_eligibility
from postventa.aftercare.returns.models import Resolution, ReturnRequest, ReturnStatus
from postventa.core.errors import ApplicationError, RateLimited
from postventa.core.ratelimit import client_identity, hit
from postventa.helpdesk import portal_auth
from postventa.orders import tracking
from postventa.orders.selectors import find_for_tracking

GUEST_KEY = "returns.guest_orders"
LABEL_STATUSES = {ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT}


def _viewer(request):
    return portal_auth.portal_customer(request.session)


def _can_see(request, order) -> bool:
    viewer = _viewer(request)
    if viewer is not None and viewer.pk == order.customer_id:
        return True
    return order.pk in request.session.get(GUEST_KEY, [])


def _allow_guest(request, order) -> None:
    allowed = [pk for pk in request.session.get(GUEST_KEY, []) if pk != order.pk][-19:]
    request.session[GUEST_KEY] = [*allowed, order.pk]
    request.session.cycle_key()


def _limited(request) -> bool:
    try:
        hit("returns_lookup", client_identity(request), limit=settings.PUBLIC_RATE_LIMIT_PER_MINUTE)
    except RateLimited:
        return True
    return False


def _render(request, template, context, customer, status=200):
    with timezone.override(customer_zone(customer)):
        return render(request, template, {"signed_in": _viewer(request), **context}, status=status)


@never_cache
def returns_home(request):
    viewer = _viewer(request)
    if viewer is None:
        return render(request, "portal/returns/find.html", {"form": {}})
    from postventa.orders.models import Order

    orders = list(Order.objects.filter(customer=viewer, status="delivered").order_by("-placed_at")[:20])
    return _render(
        request,
        "portal/returns/list.html",
        {"customer": viewer, "returns": selectors.returns_of_customer(viewer.pk), "orders": orders},
        viewer,
    )


@never_cache
@require_POST
def guest_lookup(request):
    form = {k: request.POST.get(k, "").strip()[:254] for k in ("number", "email")}
    if _limited(request):
        return render(request, "portal/returns/find.html", {"form": form, "limited": True}, status=429)
    order = tracking.match(number=form["number"], email=form["email"]) if form["email"] else None
    if order is None:
        return render(request, "portal/returns/find.html", {"form": form, "not_found": True})
    _allow_guest(request, order)
    return redirect("portal:return_new", number=order.number)


def _order_or_404(request, number: str):
    order = find_for_tracking(number)
    if order is None or not _can_see(request, order):
        raise Http404
    return order


def _form_values(post, lines) -> dict:
    return {
        "quantities": {str(item.line.pk): post.get(f"qty_{item.line.pk}", "0") for item in lines},
        "reason": post.get("reason", ""),
        "reason_detail": post.get("reason_detail", "")[:4000],
        "resolution": post.get("resolution", Resolution.REFUND),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def return_new(request, number: str):
    order = _order_or_404(request, number)
    customer = order.customer
    lines = order_eligibility(order)
    form = {"quantities": {}, "reason": "", "reason_detail": "", "resolution": Resolution.REFUND}
    error = ""
    status = 200
    if request.method == "POST":
        form = _form_values(request.POST, lines)
        wanted = []
        for line_id, raw in form["quantities"].items():
            try:
                quantity = int(raw or 0)
            except ValueError:
                quantity = -1
            wanted.append({"order_line_id": int(line_id), "quantity": quantity})
        try:
            created = services.return_request_create(
                actor=None,
                customer=customer,
                order=order,
                lines=wanted,
                reason=form["reason"],
                reason_detail=form["reason_detail"],
                resolution=form["resolution"],
                photos=request.FILES.getlist("photos"),
                channel=ReturnRequest.Channel.PORTAL,
            )
        except ApplicationError as exc:
            error, status = exc.message, 422
        else:
            messages.success(request, _("Your return %(number)s is registered.") % {"number": created.number})
            return redirect("portal:return_detail", number=created.number)
    for item in lines:
        item.chosen = form["quantities"].get(str(item.line.pk), "0")
    policy = active_policy()
    return _render(
        request,
        "portal/returns/new.html",
        {
            "order": order,
            "customer": customer,
            "lines": lines,
            "any_eligible": any(item.eligible for item in lines),
            "reasons": selectors.reasons(),
            "resolutions": Resolution.choices,
            "form": form,
            "error": error,
            "policy": policy,
            "previous": selectors.returns_of_order(order.pk),
        },
        customer,
        status=status,
    )


def _return_or_404(request, number: str) -> ReturnRequest:
    r = selectors.return_by_number(number)
    if r is None or not _can_see(request, r.order):
        raise Http404
    return r


@never_cache
def return_detail(request, number: str):
    r = _return_or_404(request, number)
    return _render(
        request,
        "portal/returns/detail.html",
        {
            "r": r,
            "customer": r.customer,
            "lines": list(r.lines.all()),
            "history": list(r.history.all()),
            "refunds": selectors.refunds_of_return(r),
            "policy": active_policy(),
            "label_ready": r.status in LABEL_STATUSES,
            "overdue": r.refund_overdue(),
        },
        r.customer,
    )


def _pdf(r: ReturnRequest) -> HttpResponse:
    if r.status not in LABEL_STATUSES:
        raise Http404
    response = HttpResponse(labels.label_pdf(r), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{r.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def return_label(request, number: str):
    return _pdf(_return_or_404(request, number))


@never_cache
def return_photo(request, number: str, photo_id: int):
    r = _return_or_404(request, number)
    photo = r.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def return_link(request, token: str):
    if _limited(request):
        return render(request, "portal/returns/find.html", {"form": {}, "limited": True}, status=429)
    r = access.request_from_token(token)
    if r is None:
        return render(request, "portal/returns/find.html", {"form": {}, "bad_link": True}, status=404)
    _allow_guest(request, r.order)
    return redirect(reverse("portal:return_detail", kwargs={"number": r.number}))


@never_cache
def return_label_link(request, token: str):
    r = access.request_from_token(token)
    if r is None:
        raise Http404
    return _pdf(r)
