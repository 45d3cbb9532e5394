"""Maintenance fixtures: customers, a washing machine product with a plan, assets from delivered orders."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

UTC = dt.UTC
_seq = itertools.count(1)


@pytest.fixture
def make_customer(db):
    from postventa.customers.services import customer_create

    def make(first_name="Lucía", email=None, time_zone="Europe/Madrid", language="es", **extra):
        n = next(_seq)
        customer = customer_create(acting_user=None, first_name=first_name, last_name=f"Test{n}",
                                   emails=[email or f"c{n}@example.com"], time_zone=time_zone, language=language)
        for k, v in extra.items():
            setattr(customer, k, v)
        if extra:
            customer.save()
        return customer

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer("Lucía", "lucia@example.com")


@pytest.fixture
def other_customer(make_customer):
    return make_customer("Pedro", "pedro@example.com")


@pytest.fixture
def product(db):
    from postventa.catalog.models import Category, Product

    cat = Category.objects.create(slug="electrodomesticos", name_es="Electrodomésticos", name_en="Home appliances")
    return Product.objects.create(sku="LAV-TEST", name_es="Lavadora Test", name_en="Test washing machine",
                                  category=cat, maintenance_interval_months=24)


@pytest.fixture
def make_asset(db):
    from postventa.catalog.models import Asset

    def make(customer, product, serial, *, purchased_on=None, delivered_at=None):
        line = None
        if delivered_at is not None:
            from postventa.orders.models import Order, OrderLine

            n = next(_seq)
            order = Order.objects.create(number=f"PV-T{n}", customer=customer, status="delivered",
                                         placed_at=delivered_at - dt.timedelta(days=3), status_changed_at=delivered_at)
            line = OrderLine.objects.create(order=order, sku=product.sku, product=product, quantity=1)
        return Asset.objects.create(product=product, customer=customer, serial_number=serial,
                                    purchased_on=purchased_on, order_line=line)

    return make


@pytest.fixture
def portal_login():
    def login(client, customer):
        from postventa.helpdesk import portal_auth

        session = client.session
        session[portal_auth.SESSION_KEY] = customer.pk
        session.save()
        return client

    return login
