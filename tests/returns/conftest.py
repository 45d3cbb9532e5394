"""Returns fixtures: customers in two time zones, delivered orders with lines, categories."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def make_customer(db):
    from postventa.customers.services import customer_create

    def make(first_name: str = "Lucía", email: str = "lucia@example.com", **extra):
        return customer_create(
            acting_user=None, first_name=first_name, last_name="Pérez", emails=[email], **extra
        )

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer()


@pytest.fixture
def other_customer(make_customer):
    return make_customer(first_name="Bruno", email="bruno@example.com")


@pytest.fixture
def make_category(db):
    from postventa.catalog.models import Category

    def make(slug: str, name_es: str = "", name_en: str = ""):
        return Category.objects.get_or_create(
            slug=slug, defaults={"name_es": name_es or slug, "name_en": name_en or slug}
        )[0]

    return make


@pytest.fixture
def make_product(db, make_category):
    from postventa.catalog.models import Product

    def make(sku: str, *, category: str = "general", price: str = "10.00"):
        return Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name_es": f"Producto {sku}",
                "name_en": f"Product {sku}",
                "category": make_category(category),
                "price": Decimal(price),
            },
        )[0]

    return make


_counter = {"n": 0}


@pytest.fixture
def make_order(db, make_product):
    """An order delivered at `delivered` (aware), with lines [(sku, qty, unit_price, category)]."""
    from postventa.orders.models import Order
    from postventa.orders.services import order_create

    def make(
        customer, *, lines=None, delivered: dt.datetime | None = None, status: str = "delivered", number=None
    ):
        _counter["n"] += 1
        lines = lines or [("KETTLE-1", 2, "25.00", "kitchen"), ("MUG-1", 3, "8.00", "kitchen")]
        for sku, _q, price, category in lines:
            make_product(sku, category=category, price=price)
        order = order_create(
            acting_user=None,
            customer=customer,
            number=number or f"PV-T{_counter['n']:05d}",
            lines=[
                {"sku": sku, "description": f"Item {sku}", "quantity": q, "unit_price": p}
                for sku, q, p, _c in lines
            ],
            status=status,
            shipping_total="5.00",
        )
        if delivered is not None:
            Order.objects.filter(pk=order.pk).update(status_changed_at=delivered)
            order.refresh_from_db()
        return order

    return make


@pytest.fixture
def portal_login():
    """Sign `customer` in to the portal in `client`'s session (as the magic link does)."""
    from postventa.helpdesk import portal_auth

    def login(client, customer):
        session = client.session
        session[portal_auth.SESSION_KEY] = customer.pk
        session.save()

    return login


@pytest.fixture
def png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
