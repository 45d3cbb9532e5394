"""The order status pipeline, as configuration: statuses, labels, who sees them, legal moves.

To add a status: add a Status here, list its allowed next statuses in TRANSITIONS, and (if a
carrier reports it) map the carrier code in CARRIER_CODES. Nothing else hard-codes the flow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Status:
    code: str
    label: str  # lazily translated: es/en through the orders catalog
    customer_visible: bool  # an email goes out and the public tracking page shows it
    tone: str  # badge colour in the console: ok, warn, danger, info, ""
    final: bool = False


PENDING_PAYMENT = "pending_payment"
PAID = "paid"
PREPARING = "preparing"
SHIPPED = "shipped"
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERED = "delivered"
DELIVERY_FAILED = "delivery_failed"
RETURNED = "returned"
REJECTED = "rejected"
CANCELLED = "cancelled"

STATUSES: dict[str, Status] = {
    s.code: s
    for s in [
        Status(PENDING_PAYMENT, _("Pending payment"), False, "warn"),
        Status(PAID, _("Paid"), True, "info"),
        Status(PREPARING, _("Preparing"), True, "info"),
        Status(SHIPPED, _("Shipped"), True, "info"),
        Status(OUT_FOR_DELIVERY, _("Out for delivery"), True, "info"),
        Status(DELIVERED, _("Delivered"), True, "ok", final=True),
        Status(DELIVERY_FAILED, _("Delivery failed"), True, "danger"),
        Status(RETURNED, _("Returned"), True, "warn", final=True),
        Status(REJECTED, _("Rejected"), True, "danger", final=True),
        Status(CANCELLED, _("Cancelled"), True, "danger", final=True),
    ]
}

INITIAL = PENDING_PAYMENT

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING_PAYMENT: frozenset({PAID, REJECTED, CANCELLED}),
    PAID: frozenset({PREPARING, CANCELLED}),
    PREPARING: frozenset({SHIPPED, CANCELLED}),
    SHIPPED: frozenset({OUT_FOR_DELIVERY, DELIVERED, DELIVERY_FAILED}),
    OUT_FOR_DELIVERY: frozenset({DELIVERED, DELIVERY_FAILED}),
    # A failed delivery is pending: the carrier retries, or the parcel goes back.
    DELIVERY_FAILED: frozenset({OUT_FOR_DELIVERY, RETURNED, CANCELLED}),
    DELIVERED: frozenset(),
    RETURNED: frozenset(),
    REJECTED: frozenset(),
    CANCELLED: frozenset(),
}

# The order in which statuses normally happen; a carrier event never moves an order to an
# earlier rank (see services_shipments).
RANK: dict[str, int] = {
    PENDING_PAYMENT: 0,
    PAID: 1,
    PREPARING: 2,
    SHIPPED: 3,
    OUT_FOR_DELIVERY: 4,
    DELIVERY_FAILED: 5,
    DELIVERED: 6,
    RETURNED: 6,
    REJECTED: 6,
    CANCELLED: 6,
}

# Carrier event codes -> our status (None: recorded on the shipment, no order status change).
CARRIER_CODES: dict[str, str | None] = {
    "LABEL_CREATED": None,
    "PICKED_UP": SHIPPED,
    "IN_TRANSIT": SHIPPED,
    "ARRIVED_AT_HUB": SHIPPED,
    "OUT_FOR_DELIVERY": OUT_FOR_DELIVERY,
    "DELIVERED": DELIVERED,
    "DELIVERY_FAILED": DELIVERY_FAILED,
    "EXCEPTION": DELIVERY_FAILED,
    "RETURNED_TO_SENDER": RETURNED,
}


def choices() -> list[tuple[str, object]]:
    return [(s.code, s.label) for s in STATUSES.values()]


def label(code: str) -> str:
    status = STATUSES.get(code)
    return str(status.label) if status else code


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def next_statuses(code: str) -> list[str]:
    """Allowed next statuses in pipeline order (for buttons)."""
    return sorted(TRANSITIONS.get(code, frozenset()), key=lambda c: list(STATUSES).index(c))


def path_to(from_status: str, to_status: str) -> list[str] | None:
    """The shortest chain of legal moves from -> to (excluding from), or None.

    Carriers skip steps (an order "preparing" can be reported straight as "delivered"); the
    webhook walks the chain so the history still shows every step.
    """
    if from_status == to_status:
        return []
    frontier: list[list[str]] = [[from_status]]
    seen = {from_status}
    while frontier:
        route = frontier.pop(0)
        for nxt in next_statuses(route[-1]):
            if nxt in seen or nxt in {CANCELLED, REJECTED}:
                continue
            if nxt == to_status:
                return [*route[1:], nxt]
            seen.add(nxt)
            frontier.append([*route, nxt])
    return None
