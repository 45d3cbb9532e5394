"""Helpers shared by the warranties tests: customers, products, delivered orders and units."""

from __future__ import annotations

import datetime as dt
import itertools

from postventa.catalog.models import Asset, Category, Product
from postventa.customers.models import Customer, CustomerEmail
from postventa.orders.models import Order, OrderLine

_seq = itertools.count(1)


def make_customer(
    email: str | None = None,
    *,
    time_zone: str = "Europe/Madrid",
    language: str = "es",
    first_name: str = "Lucía",
) -> Customer:
    n = next(_seq)
    email = email or f"cliente{n}@example.com"
    customer = Customer.objects.create(
        first_name=first_name, last_name="García", email=email, language=language, time_zone=time_zone
    )
    CustomerEmail.objects.create(customer=customer, email=email, is_primary=True)
    return customer


def make_product(
    sku: str | None = None,
    *,
    brand: str = "EcoWash",
    warranty_months: int = 0,
    manufacturing_ended_on: dt.date | None = None,
    category: Category | None = None,
) -> Product:
    return Product.objects.create(
        sku=sku or f"SKU-{next(_seq)}",
        name_es="Lavadora EcoWash 8 kg",
        name_en="EcoWash 8 kg washing machine",
        brand=brand,
        warranty_months=warranty_months,
        manufacturing_ended_on=manufacturing_ended_on,
        category=category,
        price="499.90",
    )


def make_asset(
    *,
    product: Product | None = None,
    customer: Customer | None = None,
    serial: str | None = None,
    delivered_at: dt.datetime | None = None,
    purchased_on: dt.date | None = None,
    status: str = "delivered",
    ship_country: str = "ES",
) -> Asset:
    """A unit; with `delivered_at` it comes from an order delivered at that moment."""
    product = product or make_product()
    customer = customer or make_customer()
    line = None
    if delivered_at is not None or status != "delivered":
        n = next(_seq)
        order = Order.objects.create(
            number=f"PV-T{n}",
            customer=customer,
            status=status,
            status_changed_at=delivered_at,
            ship_country=ship_country,
        )
        line = OrderLine.objects.create(order=order, product=product, sku=product.sku, quantity=1)
    return Asset.objects.create(
        product=product,
        customer=customer,
        serial_number=serial or f"SN-{next(_seq):06d}",
        purchased_on=purchased_on,
        order_line=line,
        source=Asset.Source.ORDER if line else Asset.Source.STAFF,
    )


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
