"""Outbox receivers of orders: tell the customer when their order moves."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic
from postventa.orders import pipeline


@receiver("order.status_changed", key="orders.notify_status")
# Outside the outbox transaction: the notification row commits before the SMTP send, so a
# crash after sending can never send again (see notifications.services).
@non_atomic
def notify_status(event: Event) -> None:
    status = pipeline.STATUSES.get(event.payload.get("to", ""))
    if status is None or not status.customer_visible:
        return
    from postventa.notifications.services import notify_customer
    from postventa.orders.models import Order
    from postventa.orders.tracking import tracking_url

    order = (
        Order.objects.select_related("customer")
        .prefetch_related("lines", "shipments")
        .filter(pk=event.payload.get("order_id"))
        .first()
    )
    if order is None or order.customer.erased_at:
        return
    shipment = next(iter(order.shipments.all()), None)
    notify_customer(
        customer=order.customer,
        template="order_status",
        context={
            "first_name": order.customer.first_name,
            "order_number": order.number,
            "status": status.code,
            "status_label": status.label,  # lazy: rendered in the customer's language
            "lines": [
                {"description": li.description or li.sku, "sku": li.sku, "quantity": li.quantity}
                for li in order.lines.all()
            ],
            "total": order.total,
            "currency": order.currency,
            "tracking_url": tracking_url(order),
            "carrier_url": shipment.tracking_url if shipment else "",
            "note": event.payload.get("note", ""),
        },
        idempotency_key=f"order-status:{event.id}",
        related=order,
    )
