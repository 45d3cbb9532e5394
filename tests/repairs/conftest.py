"""Repairs fixtures: customers with assets, spare parts, and a factory of repairs in any status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def product(admin_user):
    from postventa.catalog.services import product_create

    return product_create(
        acting_user=admin_user, sku="LAV-8KG", name_es="Lavadora 8 kg", name_en="Washer 8 kg"
    )


@pytest.fixture
def make_customer(db):
    from postventa.customers.services import customer_create

    def make(first_name: str, email: str, language: str = "es"):
        return customer_create(
            acting_user=None, first_name=first_name, last_name="Test", emails=[email], language=language
        )

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer("Lucía", "lucia@example.com")


@pytest.fixture
def other_customer(make_customer):
    return make_customer("Bruno", "bruno@example.com", language="en")


@pytest.fixture
def make_asset(admin_user, product):
    from postventa.catalog.services import asset_register

    counter = {"n": 0}

    def make(customer, serial: str | None = None):
        counter["n"] += 1
        return asset_register(
            acting_user=admin_user,
            customer=customer,
            product=product,
            serial_number=serial or f"SN-{counter['n']:04d}",
            purchased_on=dt.date(2025, 6, 1),
        )

    return make


@pytest.fixture
def asset(make_asset, customer):
    return make_asset(customer)


@pytest.fixture
def spare_part(admin_user, product):
    from postventa.aftercare.repairs.services import spare_part_save

    return spare_part_save(
        actor=admin_user,
        sku="BOMBA-01",
        name_es="Bomba de desagüe",
        name_en="Drain pump",
        unit_price="35.00",
        stock=3,
        compatible_product_ids=[product.pk],
    )


@pytest.fixture
def make_repair(agent):
    """A repair moved through the real services up to `status`."""
    from postventa.aftercare.repairs import services as svc

    def make(asset, status: str = "received", *, under_warranty: bool = False, now=None):
        repair = _make(asset, status, under_warranty=under_warranty, now=now)
        repair.refresh_from_db()  # the services worked on locked copies
        return repair

    def _make(asset, status: str, *, under_warranty: bool, now):
        now = now or timezone.now()
        repair = svc.open_repair(
            actor=agent, asset=asset, fault="No centrifuga", under_warranty=under_warranty, now=now
        )
        if status == "received":
            return repair
        svc.save_diagnosis(actor=agent, repair=repair, diagnosis="Bomba obstruida", now=now)
        svc.set_quote(
            actor=agent,
            repair=repair,
            lines=[
                {"kind": "part", "description": "Bomba", "quantity": "1", "unit_price": "35.00"},
                {"kind": "labour", "description": "Mano de obra", "quantity": "1.5", "unit_price": "40.00"},
            ],
            now=now,
        )
        if status == "diagnosing":
            return repair
        svc.send_quote(actor=agent, repair=repair, now=now)
        if status == "quote_sent":
            return repair
        svc.record_quote_decision(actor=agent, repair=repair, approve=status != "rejected", now=now)
        if status in ("approved", "rejected"):
            return repair
        svc.transition_repair(actor=agent, repair=repair, to_status="in_repair", now=now)
        if status == "in_repair":
            return repair
        svc.complete_repair(actor=agent, repair=repair, report="Bomba sustituida", now=now)
        return repair

    return make


@pytest.fixture
def portal_login():
    """Sign a Django test client in to the portal as `customer` (what the magic link does)."""
    from postventa.helpdesk.portal_auth import SESSION_KEY

    def login(client, customer):
        session = client.session
        session[SESSION_KEY] = customer.pk
        session.save()
        return client

    return login
