"""Outbox receivers of returns: tell the customer at each step, from the worker (retried on failure)."""

from __future__ import annotations

from decimal import Decimal

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

STEP_EVENTS = ("return.requested", "return.approved", "return.received", "return.rejected", "return.closed")


def _context(request, step: str, **extra):
    from postventa.aftercare.returns import access
    from postventa.aftercare.returns.eligibility import active_policy

    policy = active_policy()
    return {
        "step": step,
        "first_name": request.customer.first_name,
        "number": request.number,
        "order_number": request.order.number,
        "status": request.status,
        "status_label": request.get_status_display(),  # lazy: rendered in the customer's language
        "lines": [
            {"description": line.order_line.description or line.order_line.sku, "quantity": line.quantity}
            for line in request.lines.select_related("order_line")
        ],
        "portal_url": access.portal_url(request),
        "label_url": access.label_url(request),
        "business_pays": request.shipping_paid_by == "business",
        "instructions": policy.instructions,
        "return_address": policy.return_address,
        "refund_due_by": request.refund_due_by,
        "rejection_reason": request.rejection_reason,
        "exchange_order": request.exchange_order.number if request.exchange_order_id else "",
        **extra,
    }


def _load(return_id):
    from postventa.aftercare.returns.models import ReturnRequest

    return (
        ReturnRequest.objects.select_related("customer", "order", "exchange_order")
        .filter(pk=return_id)
        .first()
    )


@receiver(*STEP_EVENTS, key="returns.notify_step")
# Outside the outbox transaction: the notification row commits before the SMTP send.
@non_atomic
def notify_step(event: Event) -> None:
    from postventa.notifications.services import notify_customer

    request = _load(event.payload.get("return_id"))
    if request is None or request.customer.erased_at:
        return
    step = event.type.split(".", 1)[1]
    if step == "requested" and request.auto_approved:
        return  # the approval email, sent at once, says everything
    if step == "closed":
        # Refunds and credits have their own email per refund (see notify_refund).
        step = event.payload.get("status") if event.payload.get("status") in ("exchanged", "repaired") else ""
        if not step:
            return
    notify_customer(
        customer=request.customer,
        template="return_status",
        context=_context(request, step, note=event.payload.get("note", "")),
        idempotency_key=f"return-step:{event.id}",
        related=request,
    )


@receiver("refund.created", key="returns.notify_refund")
@non_atomic
def notify_refund(event: Event) -> None:
    from postventa.aftercare.returns.models import RefundMethod
    from postventa.notifications.services import notify_customer

    if event.payload.get("source_type") != "return":
        return
    request = _load(event.payload.get("source_id"))
    if request is None or request.customer.erased_at:
        return
    method = event.payload.get("method", "")
    notify_customer(
        customer=request.customer,
        template="return_status",
        context=_context(
            request,
            "credited" if method == RefundMethod.STORE_CREDIT else "refunded",
            amount=Decimal(event.payload.get("amount") or "0"),
            currency=event.payload.get("currency", "EUR"),
            method_label=RefundMethod(method).label if method in RefundMethod.values else method,
            reference=event.payload.get("reference", ""),
        ),
        idempotency_key=f"return-refund:{event.id}",
        related=request,
    )
