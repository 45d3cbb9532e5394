"""REST endpoints: returns (/api/v1/returns) and refunds with store credit (/api/v1/refunds).

Thin: parse, call one service or selector, map. Errors are ApplicationError -> {"detail", "code"}.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.returns import selectors, services
from postventa.aftercare.returns.models import ReturnRequest, ReturnStatus
from postventa.aftercare.returns.refunds import store_credit_balance
from postventa.aftercare.returns.schemas import (
    InspectIn,
    RefundOut,
    RefundPage,
    ReturnDetailOut,
    ReturnIn,
    ReturnPage,
    ReturnRefundIn,
    StoreCreditOut,
    TransitionIn,
)
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Returns and refunds"])
refunds_router = Router(tags=["Refunds and store credit"])


def _summary(r: ReturnRequest, now) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "status": r.status,
        "customer_id": r.customer_id,
        "order_id": r.order_id,
        "order_number": r.order.number,
        "reason": r.reason.code,
        "resolution": r.resolution,
        "currency": r.currency,
        "requested_value": r.requested_value,
        "refunded_total": r.refunded_total,
        "requested_at": r.requested_at,
        "refund_due_by": r.refund_due_by,
        "refund_overdue": r.refund_overdue(now),
    }


def _get(return_id: int) -> ReturnRequest:
    r = selectors.return_detail(return_id)
    if r is None:
        raise NotFound(_("That return does not exist."))
    return r


def _detail(return_id: int) -> dict:
    r = _get(return_id)
    now = timezone.now()
    return {
        **_summary(r, now),
        **{
            f: getattr(r, f)
            for f in (
                "reason_detail",
                "channel",
                "shipping_paid_by",
                "is_withdrawal",
                "auto_approved",
                "rejection_reason",
                "return_carrier",
                "return_tracking",
                "approved_at",
                "received_at",
                "inspected_at",
                "closed_at",
            )
        },  # fmt: skip
        "exchange_order_number": r.exchange_order.number if r.exchange_order_id else "",
        "allowed_next": r.next_statuses,
        "refund_ceiling": services.refund_ceiling(r)
        if r.status in ("inspected", "refunded", "credited")
        else 0,
        "lines": [
            {
                "id": line.pk,
                "order_line_id": line.order_line_id,
                "sku": line.order_line.sku,
                "description": line.order_line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "eligibility": line.eligibility,
                "window_ends_on": line.window_ends_on,
                "condition": line.condition,
                "restock": line.restock,
                "accepted": line.accepted,
                "inspection_note": line.inspection_note,
            }
            for line in r.lines.all()
        ],
        "history": list(r.history.all()),
        "refunds": selectors.refunds_of_return(r),
    }


@router.get("", response=ReturnPage)
def return_list(
    request,
    status: str = "",
    reason: str = "",
    overdue: bool = False,
    customer_id: int | None = None,
    q: str = "",
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "returns.view")
    if status and status != "open" and status not in ReturnStatus.values:
        raise ValidationFailed(
            _("“%(s)s” is not a return status.") % {"s": status[:40]}, code="unknown_status"
        )
    now = timezone.now()
    qs = selectors.return_list(
        status=status, reason=reason[:40], overdue=overdue, customer_id=customer_id, q=q[:40], now=now
    )
    page = keyset_page(
        qs, cursor=cursor, page_size=page_size or settings.API_PAGE_SIZE, order_field="requested_at"
    )
    return {"items": [_summary(r, now) for r in page.items], "next_cursor": page.next_cursor}


@router.post("", response={201: ReturnDetailOut})
def return_create(request, body: ReturnIn):
    """Open a return for a customer's order (staff, e.g. on the phone); the customer is the order's."""
    from postventa.orders.models import Order

    require(request.user, "returns.change")
    order = Order.objects.select_related("customer").filter(pk=body.order_id).first()
    if order is None:
        raise NotFound(_("That order does not exist."))
    r = services.return_request_create(
        actor=request.user,
        customer=order.customer,
        order=order,
        lines=[line.dict() for line in body.lines],
        reason=body.reason,
        reason_detail=body.reason_detail,
        resolution=body.resolution,
        channel=ReturnRequest.Channel.API,
    )
    return Status(201, _detail(r.pk))


@router.get("/{return_id}", response=ReturnDetailOut)
def return_detail(request, return_id: int):
    require(request.user, "returns.view")
    return _detail(return_id)


@router.post("/{return_id}/transition", response=ReturnDetailOut)
def return_transition(request, return_id: int, body: TransitionIn):
    require(request.user, "returns.change")
    services.return_transition(
        actor=request.user,
        request=_get(return_id),
        to_status=body.status,
        note=body.note,
        rejection_reason=body.rejection_reason,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )
    return _detail(return_id)


@router.post("/{return_id}/inspect", response=ReturnDetailOut)
def return_inspect(request, return_id: int, body: InspectIn):
    require(request.user, "returns.change")
    services.return_inspect(
        actor=request.user,
        request=_get(return_id),
        lines=[line.dict() for line in body.lines],
        note=body.note,
    )
    return _detail(return_id)


@router.post("/{return_id}/refund", response={201: RefundOut})
def return_refund(request, return_id: int, body: ReturnRefundIn):
    require(request.user, "refunds.change")
    refund = services.return_refund(
        actor=request.user,
        request=_get(return_id),
        amount=body.amount,
        method=body.method,
        reference=body.reference,
        note=body.note,
    )
    return Status(201, refund)


@router.post("/{return_id}/exchange", response=ReturnDetailOut)
def return_exchange(request, return_id: int):
    require(request.user, "returns.change")
    services.return_exchange(actor=request.user, request=_get(return_id))
    return _detail(return_id)


@refunds_router.get("", response=RefundPage)
def refund_list(
    request,
    customer_id: int | None = None,
    method: str = "",
    source_type: str = "",
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "returns.view")
    qs = selectors.refund_list(customer_id=customer_id, method=method[:20], source_type=source_type[:30])
    page = keyset_page(
        qs, cursor=cursor, page_size=page_size or settings.API_PAGE_SIZE, order_field="refunded_at"
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@refunds_router.get("/store-credit/{customer_id}", response=StoreCreditOut)
def store_credit(request, customer_id: int, currency: str = "EUR"):
    from postventa.customers.models import Customer

    require(request.user, "returns.view")
    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound(_("That customer does not exist."))
    currency = (currency or "EUR").upper()[:3]
    return {
        "customer_id": customer_id,
        "currency": currency,
        "balance": store_credit_balance(customer_id, currency=currency),
        "entries": selectors.store_credit_entries(customer_id, limit=50),
    }


@refunds_router.get("/{refund_id}", response=RefundOut)
def refund_detail(request, refund_id: int):
    require(request.user, "returns.view")
    refund = selectors.refund_list().filter(pk=refund_id).first()
    if refund is None:
        raise NotFound(_("That refund does not exist."))
    return refund
