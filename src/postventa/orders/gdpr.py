"""What orders holds about a customer: export every order; erase blanks shipping snapshots."""

from __future__ import annotations

from postventa.core.registry import register_gdpr


def export_orders(customer) -> list[dict]:
    from postventa.orders.models import Order

    orders = Order.objects.filter(customer_id=customer.pk).prefetch_related(
        "lines", "status_changes", "shipments"
    )
    return [
        {
            "number": o.number,
            "placed_at": o.placed_at.isoformat(),
            "status": o.status,
            "currency": o.currency,
            "total": str(o.total),
            "shipping_address": {
                "name": o.ship_name,
                "line1": o.ship_line1,
                "postcode": o.ship_postcode,
                "city": o.ship_city,
                "country": o.ship_country,
            },
            "lines": [
                {
                    "sku": li.sku,
                    "description": li.description,
                    "quantity": li.quantity,
                    "unit_price": str(li.unit_price),
                    "line_total": str(li.line_total),
                }
                for li in o.lines.all()
            ],
            "history": [
                {"from": h.from_status, "to": h.to_status, "at": h.occurred_at.isoformat()}
                for h in o.status_changes.all()
            ],
            "shipments": [
                {"carrier": s.carrier, "tracking_number": s.tracking_number} for s in o.shipments.all()
            ],
        }
        for o in orders
    ]


def erase_orders(customer) -> None:
    from postventa.orders.services import order_erase_shipping

    # Totals and lines stay: invoices must be kept for tax purposes; the address is personal data.
    order_erase_shipping(customer=customer)


def register() -> None:
    register_gdpr("orders", exporter=export_orders, eraser=erase_orders)
