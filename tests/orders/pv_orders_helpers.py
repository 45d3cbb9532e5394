"""Helpers shared by the orders tests: set state up through the real services."""

from __future__ import annotations

from postventa.customers.models import Customer, CustomerEmail
from postventa.orders import services


def make_customer(
    email: str = "lucia@example.com", *, first_name: str = "Lucía", language: str = "es"
) -> Customer:
    customer = Customer.objects.create(
        first_name=first_name, last_name="García", email=email, language=language
    )
    CustomerEmail.objects.create(customer=customer, email=email, is_primary=True)
    return customer


def make_order(
    customer=None,
    *,
    number: str = "PV-1001",
    status: str = "pending_payment",
    postcode: str = "28013",
    external_id: str | None = None,
    acting_user=None,
):
    customer = customer or make_customer()
    return services.order_create(
        acting_user=acting_user,
        customer=customer,
        number=number,
        external_id=external_id,
        status=status,
        lines=[
            {"sku": "WM-100", "description": "Lavadora EcoWash 8 kg", "quantity": 1, "unit_price": "499.90"},
            {"sku": "", "description": "Instalación", "quantity": 2, "unit_price": "25.00"},
        ],
        shipping_total="5.00",
        ship_name="Lucía García",
        ship_line1="Calle Mayor 1",
        ship_postcode=postcode,
        ship_city="Madrid",
        ship_country="ES",
    )


def walk(order, *statuses, source: str = "system"):
    for status in statuses:
        services.order_change_status(order=order, to_status=status, source=source)
    order.refresh_from_db()
    return order
