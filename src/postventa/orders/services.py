"""Every write to an order: create / upsert, status changes through the pipeline, GDPR erase.

Shipments and carrier events live in orders.shipments; bulk import in orders.importing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.money import to_money
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record
from postventa.orders import pipeline
from postventa.orders.models import Order, OrderLine, OrderStatusChange

SOURCES = set(OrderStatusChange.Source.values)
# MoneyField holds 14 digits with 2 decimals; larger sums would fail in PostgreSQL.
MAX_AMOUNT = Decimal("999999999999.99")
SHIP_FIELDS = ("ship_name", "ship_line1", "ship_postcode", "ship_city", "ship_country")


def status_payload(order: Order, from_status: str, to_status: str, source: str) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "number": order.number,
        "from": from_status,
        "to": to_status,
        "customer_id": order.customer_id,
        "source": source,
    }


@transaction.atomic
def order_change_status(
    *,
    order: Order,
    to_status: str,
    acting_user=None,
    source: str,
    note: str = "",
    occurred_at: dt.datetime | None = None,
) -> OrderStatusChange:
    """Move `order` to `to_status` if the pipeline allows it; history, timeline and event follow."""
    if acting_user is not None:
        require(acting_user, "orders.change")
    if source not in SOURCES:
        raise ValidationFailed(_("Unknown source of the status change."), code="bad_source")
    if to_status not in pipeline.STATUSES:
        raise ValidationFailed(
            _("“%(status)s” is not an order status.") % {"status": to_status}, code="unknown_status"
        )
    # Lock the row: two carrier events or two agents must not both move from the same status.
    order = Order.objects.select_for_update().get(pk=order.pk)
    from_status = order.status
    if not pipeline.is_allowed(from_status, to_status):
        raise ValidationFailed(
            _("An order cannot go from “%(from)s” to “%(to)s”.")
            % {"from": pipeline.label(from_status), "to": pipeline.label(to_status)},
            code="illegal_transition",
            extra={"from": from_status, "to": to_status},
        )
    now = occurred_at or timezone.now()
    order.status = to_status
    order.status_changed_at = now
    order.save(update_fields=["status", "status_changed_at", "updated_at"])
    change = OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        source=source,
        acting_user=acting_user if getattr(acting_user, "pk", None) else None,
        note=(note or "").strip()[:500],
        occurred_at=now,
    )
    if acting_user is not None:
        audit.record(
            actor=acting_user,
            action="order.status_changed",
            target=order,
            changes={"status": [from_status, to_status]},
        )
    timeline_record(
        customer_id=order.customer_id,
        kind="order.status_changed",
        summary=f"{order.number}: {from_status} -> {to_status}",
        data={"number": order.number, "from": from_status, "to": to_status},
        source=("order", order.pk),
        actor=acting_user,
        occurred_at=now,
    )
    emit(
        "order.status_changed",
        payload={**status_payload(order, from_status, to_status, source), "note": change.note},
        customer_id=order.customer_id,
        actor_id=getattr(acting_user, "pk", None),
    )
    return change


def _clean_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from postventa.catalog.models import Product

    if not lines:
        raise ValidationFailed(_("An order needs at least one line."), code="no_lines")
    skus = {(line.get("sku") or "").strip() for line in lines} - {""}
    products = {p.sku: p.pk for p in Product.objects.filter(sku__in=skus)}
    clean = []
    for i, line in enumerate(lines, start=1):
        try:
            quantity = int(line.get("quantity", 1))
            unit_price = to_money(line.get("unit_price", 0))
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("Line %(n)s: quantity or price is not valid.") % {"n": i}, code="bad_line"
            )
        if quantity < 1 or unit_price < 0 or unit_price * quantity > MAX_AMOUNT:
            raise ValidationFailed(
                _("Line %(n)s: quantity or price is not valid.") % {"n": i}, code="bad_line"
            )
        sku = (line.get("sku") or "").strip()[:64]
        description = (line.get("description") or "").strip()[:300]
        if not sku and not description:
            raise ValidationFailed(_("Line %(n)s needs a SKU or a description.") % {"n": i}, code="bad_line")
        clean.append(
            {
                "position": i,
                "sku": sku,
                "product_id": products.get(sku),
                "description": description,
                "quantity": quantity,
                "unit_price": unit_price,
                "line_total": unit_price * quantity,
            }
        )
    return clean


@transaction.atomic
def order_create(
    *,
    acting_user,
    customer,
    number: str,
    lines: list[dict[str, Any]],
    external_id: str | None = None,
    status: str = pipeline.INITIAL,
    placed_at: dt.datetime | None = None,
    currency: str = "EUR",
    shipping_total: Decimal | str = "0",
    tax_total: Decimal | str = "0",
    source: str = OrderStatusChange.Source.API,
    **shipping: str,
) -> Order:
    """Create an order with its lines; totals are computed from the lines (Decimal)."""
    if acting_user is not None:
        require(acting_user, "orders.change")
    number = (number or "").strip()
    if not number:
        raise ValidationFailed(_("An order needs a number."), code="number_required")
    if Order.objects.filter(number=number).exists():
        raise Conflict(_("Order %(number)s already exists.") % {"number": number}, code="duplicate_number")
    if external_id and Order.objects.filter(external_id=external_id).exists():
        raise Conflict(_("An order with that external id already exists."), code="duplicate_external_id")
    if status not in pipeline.STATUSES:
        raise ValidationFailed(
            _("“%(status)s” is not an order status.") % {"status": status}, code="unknown_status"
        )
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationFailed(
            _("The currency must be a three-letter code such as EUR."), code="bad_currency"
        )
    if placed_at is not None and timezone.is_naive(placed_at):
        placed_at = timezone.make_aware(placed_at)
    try:
        shipping_amount, tax_amount = to_money(shipping_total), to_money(tax_total)
    except ValueError:
        raise ValidationFailed(_("Shipping or tax is not a valid amount."), code="bad_amount")
    clean_lines = _clean_lines(lines)
    subtotal = sum((line["line_total"] for line in clean_lines), Decimal("0.00"))
    if subtotal + shipping_amount + tax_amount > MAX_AMOUNT or min(shipping_amount, tax_amount) < 0:
        raise ValidationFailed(_("The order total is out of range."), code="bad_amount")
    ship = {k: (str(shipping.get(k) or "")).strip()[:200] for k in SHIP_FIELDS}
    ship["ship_postcode"] = ship["ship_postcode"][:16]
    ship["ship_country"] = (ship["ship_country"] or "ES").upper()[:2]
    unknown = set(shipping) - set(SHIP_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown order fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    now = timezone.now()
    order = Order.objects.create(
        number=number[:40],
        external_id=(external_id or None),
        customer=customer,
        status=status,
        placed_at=placed_at or now,
        currency=currency,
        subtotal=subtotal,
        shipping_total=shipping_amount,
        tax_total=tax_amount,
        total=subtotal + shipping_amount + tax_amount,
        status_changed_at=now,
        **ship,
    )
    OrderLine.objects.bulk_create([OrderLine(order=order, **line) for line in clean_lines])
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=status,
        source=source,
        acting_user=acting_user if getattr(acting_user, "pk", None) else None,
        occurred_at=now,
    )
    if acting_user is not None:
        audit.record(actor=acting_user, action="order.created", target=order)
    timeline_record(
        customer_id=customer.pk,
        kind="order.created",
        summary=order.number,
        data={"number": order.number, "total": str(order.total), "currency": order.currency},
        source=("order", order.pk),
        actor=acting_user,
        occurred_at=order.placed_at,
    )
    emit(
        "order.created",
        payload={
            "order_id": order.pk,
            "number": order.number,
            "status": status,
            "total": str(order.total),
            "currency": currency,
            "customer_id": customer.pk,
        },
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return order


def get_order(order_id: int) -> Order:
    try:
        return Order.objects.get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That order does not exist."))


@transaction.atomic
def order_erase_shipping(*, customer) -> int:
    """GDPR erase: blank the shipping snapshots of the customer's orders; totals stay (tax law)."""
    from postventa.orders.models import CarrierInbound, ShipmentEvent

    events = ShipmentEvent.objects.filter(shipment__order__customer_id=customer.pk)
    # Carrier payloads often carry the recipient's name and address: keep the event, drop the body.
    CarrierInbound.objects.filter(pk__in=events.exclude(inbound=None).values("inbound_id")).update(body="")
    events.update(raw={})
    return Order.objects.filter(customer_id=customer.pk).update(
        ship_name="", ship_line1="", ship_postcode="", ship_city="", updated_at=timezone.now()
    )


def move_orders(source, target) -> int:
    """Merge mover: the duplicate's orders now belong to the surviving customer."""
    return Order.objects.filter(customer=source).update(customer=target)
