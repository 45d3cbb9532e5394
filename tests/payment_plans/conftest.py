"""Payment plan fixtures: customers, an order, and a repair whose quote the customer approved."""

from __future__ import annotations

import pytest
from plans_testutil import NOW  # noqa: F401  (re-exported for fixtures)


@pytest.fixture
def make_customer(db):
    from postventa.customers.services import customer_create

    def make(first_name: str, email: str, language: str = "es", time_zone: str = "Europe/Madrid"):
        return customer_create(
            acting_user=None,
            first_name=first_name,
            last_name="Test",
            emails=[email],
            language=language,
            time_zone=time_zone,
        )

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer("Lucía", "lucia@example.com")


@pytest.fixture
def other_customer(make_customer):
    return make_customer("Bruno", "bruno@example.com", language="en")


@pytest.fixture
def make_order(admin_user):
    from postventa.orders.services import order_create

    counter = {"n": 0}

    def make(customer, total: str = "500.00"):
        counter["n"] += 1
        return order_create(
            acting_user=admin_user,
            customer=customer,
            number=f"PED-{counter['n']:05d}",
            lines=[{"sku": "X", "description": "Frigorífico", "quantity": 1, "unit_price": total}],
        )

    return make


@pytest.fixture
def order(make_order, customer):
    return make_order(customer)


@pytest.fixture
def make_approved_repair(admin_user, agent):
    """A repair of `customer`'s washer whose quote (parts + labour) the customer approved: 121.00 with VAT."""
    from postventa.aftercare.repairs import services as svc
    from postventa.catalog.models import Product
    from postventa.catalog.services import asset_register, product_create

    counter = {"n": 0}

    def make(customer, *, under_warranty: bool = False):
        counter["n"] += 1
        product = Product.objects.filter(sku="LAV").first() or product_create(
            acting_user=admin_user, sku="LAV", name_es="Lavadora"
        )
        asset = asset_register(
            acting_user=admin_user, customer=customer, product=product, serial_number=f"S{counter['n']}"
        )
        repair = svc.open_repair(
            actor=agent, asset=asset, fault="No centrifuga", under_warranty=under_warranty
        )
        svc.save_diagnosis(actor=agent, repair=repair, diagnosis="Bomba")
        svc.set_quote(
            actor=agent,
            repair=repair,
            lines=[
                {"kind": "part", "description": "Bomba", "quantity": "1", "unit_price": "40.00"},
                {"kind": "labour", "description": "Mano de obra", "quantity": "1.5", "unit_price": "40.00"},
            ],
        )
        svc.send_quote(actor=agent, repair=repair)
        svc.record_quote_decision(actor=agent, repair=repair, approve=True)
        repair.refresh_from_db()
        return repair

    return make
