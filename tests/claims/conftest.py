"""Claims fixtures: two customers (A speaks Spanish, B English), units with and without coverage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def png(name: str = "defect.png", size: int = 0) -> SimpleUploadedFile:
    data = PNG if not size else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def make_customer(db):
    from postventa.customers.services import customer_create

    def make(first_name: str, email: str, **extra):
        return customer_create(
            acting_user=None, first_name=first_name, last_name="Pérez", emails=[email], **extra
        )

    return make


@pytest.fixture
def customer_a(make_customer):
    return make_customer("Lucía", "lucia@example.com", language="es")


@pytest.fixture
def customer_b(make_customer):
    return make_customer("Bruno", "bruno@example.com", language="en")


@pytest.fixture
def product(db):
    from postventa.catalog.models import Product

    return Product.objects.create(
        sku="WASHER-1", name_es="Lavadora Eco", name_en="Eco washer", price=Decimal("300.00")
    )


@pytest.fixture
def make_asset(db, product):
    """A unit of `product` owned by `customer`, bought `days_ago` (with an order line when `order`)."""
    from postventa.catalog.services import asset_register
    from postventa.orders.services import order_create

    counter = {"n": 0}

    def make(customer, serial: str, *, days_ago: int = 100, order: bool = True, price: str = "300.00"):
        counter["n"] += 1
        line = None
        if order:
            o = order_create(
                acting_user=None, customer=customer, number=f"PV-{serial}", status="delivered",
                lines=[{"sku": product.sku, "description": "Eco washer", "quantity": 1, "unit_price": price}],
                ship_name=customer.display_name, ship_line1="Calle Mayor 1", ship_postcode="28013",
                ship_city="Madrid",
            )  # fmt: skip
            placed = timezone.now() - dt.timedelta(days=days_ago)
            type(o).objects.filter(pk=o.pk).update(placed_at=placed, status_changed_at=placed)
            o.status_changes.update(occurred_at=placed)
            line = o.lines.get()
        return asset_register(
            acting_user=None, customer=customer, product=product, serial_number=serial,
            purchased_on=timezone.localdate() - dt.timedelta(days=days_ago), order_line=line,
        )  # fmt: skip

    return make


@pytest.fixture
def asset_a(customer_a, make_asset):
    return make_asset(customer_a, "SN-A-001")


@pytest.fixture
def old_asset_a(customer_a, make_asset):
    """Bought six years ago: out of every guarantee."""
    return make_asset(customer_a, "SN-A-OLD", days_ago=6 * 365, order=False)


@pytest.fixture
def asset_b(customer_b, make_asset):
    return make_asset(customer_b, "SN-B-001")


@pytest.fixture
def portal_login():
    def login(client, customer):
        from postventa.helpdesk import portal_auth

        session = client.session
        session[portal_auth.SESSION_KEY] = customer.pk
        session.save()
        return client

    return login


@pytest.fixture
def file_claim(agent):
    """A claim filed through the service (portal channel unless an actor is given)."""
    from postventa.aftercare.claims.services import claim_file

    def make(customer, asset, *, symptoms="It stopped spinning mid-cycle and shows E21.", **kw):
        kw.setdefault("channel", "portal")
        return claim_file(customer=customer, asset=asset, symptoms=symptoms, **kw)

    return make


@pytest.fixture
def approved_claim(file_claim, asset_a, customer_a, agent):
    from postventa.aftercare.claims import services

    claim = file_claim(customer_a, asset_a)
    services.claim_start_review(claim=claim, actor=agent)
    return services.claim_approve(claim=claim, actor=agent)
