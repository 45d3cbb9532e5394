"""Reads of orders shaped for screens and the API (no N+1: related rows are prefetched)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from postventa.orders.models import Order, OrderStatusChange, Shipment, ShipmentEvent


def order_list(
    *,
    status: str = "",
    customer_id: int | None = None,
    placed_after: dt.datetime | None = None,
    placed_before: dt.datetime | None = None,
    q: str = "",
) -> QuerySet[Order]:
    qs = Order.objects.select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if placed_after:
        qs = qs.filter(placed_at__gte=placed_after)
    if placed_before:
        qs = qs.filter(placed_at__lt=placed_before)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(number__istartswith=q) | Q(external_id=q))
    return qs


def order_detail(order_id: int) -> Order | None:
    """One order with lines, shipments (with events) and history, in a fixed number of queries."""
    return (
        Order.objects.select_related("customer")
        .prefetch_related(
            "lines__product",
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related(
                    Prefetch("events", queryset=ShipmentEvent.objects.order_by("occurred_at", "id"))
                ),
            ),
            Prefetch("status_changes", queryset=OrderStatusChange.objects.select_related("acting_user")),
        )
        .filter(pk=order_id)
        .first()
    )


def orders_of_customer(customer_id: int, *, limit: int = 20) -> list[Order]:
    return list(Order.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")[:limit])


def find_for_tracking(number: str) -> Order | None:
    number = (number or "").strip()
    if not number or len(number) > 40:
        return None
    qs = Order.objects.select_related("customer")
    # Exact first (uses the unique index); customers often type the number in another case.
    return qs.filter(number=number).first() or qs.filter(number__iexact=number).first()


def delivered_at(order: Order) -> dt.datetime | None:
    """When the order reached the customer, or None while it has not.

    "delivered" is a final status, so the last status change of a delivered order is its
    delivery; aftercare counts guarantees and the right of withdrawal from this moment.
    """
    if order.status != "delivered":
        return None
    return order.status_changed_at or order.updated_at
