"""Console: returns list (filters, keyset pages), detail with its actions, refunds list."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.returns import labels, selectors, services
from postventa.aftercare.returns.eligibility import order_eligibility
from postventa.aftercare.returns.models import (
    RefundMethod,
    Resolution,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
)
from postventa.aftercare.returns.refunds import add_store_credit, refundable_remaining
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 30


@staff_required("returns.view")
def return_list(request):
    g = request.GET
    status = g.get("status", "")
    if status not in ReturnStatus.values and status != "open":
        status = ""
    filters = {
        "status": status,
        "reason": g.get("reason", "")[:40],
        "overdue": g.get("overdue") == "1",
        "q": g.get("q", "")[:40].strip(),
    }
    now = timezone.now()
    qs = selectors.return_list(**filters, now=now)
    try:
        page = keyset_page(
            qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE, order_field="requested_at"
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="requested_at")
    for r in page.items:
        r.overdue = r.refund_overdue(now)
    context = {
        "nav": "returns",
        "page": page,
        "filters": filters,
        "statuses": ReturnStatus.choices,
        "reasons": selectors.reasons(active_only=False),
        "overdue_count": selectors.return_list(overdue=True, now=now).count(),
        "can_manage": can(request.user, "returns.manage"),
    }
    return render_page(request, "console/returns/list.html", context, partial="console/returns/_rows.html")


def _get(pk: int) -> ReturnRequest:
    r = selectors.return_detail(pk)
    if r is None:
        raise Http404
    return r


def _detail_context(request, r: ReturnRequest) -> dict:
    actions = [
        s
        for s in r.next_statuses
        if s in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED, ReturnStatus.REPAIRED)
    ]
    inspected = r.status in (ReturnStatus.INSPECTED, ReturnStatus.REFUNDED, ReturnStatus.CREDITED)
    return {
        "nav": "returns",
        "r": r,
        "lines": list(r.lines.all()),
        "history": list(r.history.all()),
        "refunds": selectors.refunds_of_return(r),
        "actions": [(s, ReturnStatus(s).label) for s in actions],
        "can_reject": ReturnStatus.REJECTED in r.next_statuses,
        "can_inspect": r.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED),
        "can_refund": inspected and can(request.user, "refunds.change"),
        "can_exchange": ReturnStatus.EXCHANGED in r.next_statuses,
        "can_change": can(request.user, "returns.change"),
        "refund_ceiling": services.refund_ceiling(r) if inspected else None,
        "order_remaining": refundable_remaining(r.order),
        "conditions": ReturnLine.Condition.choices,
        "methods": RefundMethod.choices,
        "overdue": r.refund_overdue(),
        "label_ready": r.status in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT),
    }


@staff_required("returns.view")
def return_detail(request, pk: int):
    return render_page(request, "console/returns/detail.html", _detail_context(request, _get(pk)))


def _act(request, pk: int, fn) -> HttpResponse:
    r = _get(pk)
    try:
        fn(r)
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:return_detail", pk=pk)


@require_POST
@staff_required("returns.change")
def return_transition(request, pk: int):
    p = request.POST

    def run(r):
        services.return_transition(
            actor=request.user,
            request=r,
            to_status=p.get("status", ""),
            note=p.get("note", "")[:500],
            rejection_reason=p.get("rejection_reason", "")[:2000],
            carrier=p.get("carrier", ""),
            tracking_number=p.get("tracking_number", ""),
        )
        messages.success(
            request, _("Return %(n)s is now “%(s)s”.") % {"n": r.number, "s": r.get_status_display()}
        )

    return _act(request, pk, run)


@require_POST
@staff_required("returns.change")
def return_inspect(request, pk: int):
    p = request.POST

    def run(r):
        lines = [
            {
                "line_id": line.pk,
                "condition": p.get(f"condition_{line.pk}", ""),
                "restock": p.get(f"restock_{line.pk}") == "on",
                "accepted": p.get(f"accepted_{line.pk}") == "on",
                "note": p.get(f"note_{line.pk}", ""),
            }
            for line in r.lines.all()
        ]
        services.return_inspect(actor=request.user, request=r, lines=lines, note=p.get("note", "")[:500])
        messages.success(request, _("Inspection saved."))

    return _act(request, pk, run)


@require_POST
@staff_required("returns.view")
def return_refund(request, pk: int):
    p = request.POST

    def run(r):
        refund = services.return_refund(
            actor=request.user,
            request=r,
            amount=p.get("amount", ""),
            method=p.get("method", ""),
            reference=p.get("reference", ""),
            note=p.get("note", "")[:500],
        )
        messages.success(
            request, _("Refund of %(a)s %(c)s recorded.") % {"a": refund.amount, "c": refund.currency}
        )

    return _act(request, pk, run)


@require_POST
@staff_required("returns.change")
def return_exchange(request, pk: int):
    def run(r):
        services.return_exchange(actor=request.user, request=r, note=request.POST.get("note", "")[:500])
        messages.success(request, _("Replacement order %(n)s created.") % {"n": r.number + "-X"})

    return _act(request, pk, run)


@staff_required("returns.view")
def return_label(request, pk: int):
    r = _get(pk)
    response = HttpResponse(labels.label_pdf(r), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{r.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required("returns.view")
def return_photo(request, pk: int, photo_id: int):
    r = _get(pk)
    photo = r.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required("returns.change")
def return_create(request):
    """Open a return for a customer (phone, email): find the order, choose lines and quantities."""
    from postventa.orders.selectors import find_for_tracking

    number = (request.GET.get("order") or request.POST.get("order") or "").strip()[:40]
    order = find_for_tracking(number) if number else None
    if number and order is None:
        messages.error(request, _("No order with the number %(n)s.") % {"n": number})
    lines = order_eligibility(order) if order else []
    form = {"reason": "", "resolution": Resolution.REFUND, "reason_detail": ""}
    status = 200
    if request.method == "POST" and order is not None:
        p = request.POST
        form = {
            "reason": p.get("reason", ""),
            "resolution": p.get("resolution", ""),
            "reason_detail": p.get("reason_detail", ""),
        }
        wanted = []
        for item in lines:
            raw = p.get(f"qty_{item.line.pk}", "0") or "0"
            item.chosen = raw
            wanted.append(
                {
                    "order_line_id": item.line.pk,
                    "quantity": int(raw) if raw.strip().lstrip("-").isdigit() else -1,
                }
            )
        try:
            r = services.return_request_create(
                actor=request.user,
                customer=order.customer,
                order=order,
                lines=wanted,
                reason=form["reason"],
                reason_detail=form["reason_detail"],
                resolution=form["resolution"],
                photos=request.FILES.getlist("photos"),
                channel=ReturnRequest.Channel.CONSOLE,
            )
        except ApplicationError as exc:
            flash_error(request, exc)
            status = 422
        else:
            messages.success(request, _("Return %(n)s opened.") % {"n": r.number})
            return redirect("console:return_detail", pk=r.pk)
    context = {
        "nav": "returns",
        "order": order,
        "number": number,
        "lines": lines,
        "reasons": selectors.reasons(),
        "resolutions": Resolution.choices,
        "form": form,
    }
    return render_page(request, "console/returns/new.html", context, status=status)


@staff_required("returns.view")
def refund_list(request):
    g = request.GET
    method = g.get("method", "") if g.get("method", "") in RefundMethod.values else ""
    source = g.get("source", "")[:30]
    qs = selectors.refund_list(method=method, source_type=source)
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE, order_field="refunded_at")
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="refunded_at")
    context = {
        "nav": "returns",
        "page": page,
        "methods": RefundMethod.choices,
        "filters": {"method": method, "source": source},
    }
    return render_page(request, "console/returns/refunds.html", context)


@require_POST
@staff_required("returns.view")
def store_credit_add(request, customer_id: int):
    from postventa.customers.models import Customer

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    try:
        add_store_credit(
            actor=request.user,
            customer=customer,
            amount=request.POST.get("amount", ""),
            note=request.POST.get("note", "")[:300],
        )
        messages.success(request, _("Store credit added."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:customer_detail", customer.pk)
