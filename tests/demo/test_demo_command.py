"""`postventa demo`: a deterministic, idempotent demo shop that sends nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from postventa.accounts.models import Skill, Team, User
from postventa.catalog.models import Asset, Category, Product
from postventa.core.models import OutboxEvent
from postventa.customers.models import (
    Consent,
    ConsentEvent,
    Customer,
    CustomerEmail,
    ExternalId,
    TimelineEntry,
)
from postventa.demo import loader
from postventa.demo.data import PRODUCTS
from postventa.demo.logins import DEMO_USERS, demo_logins
from postventa.demo.models import DemoLoad
from postventa.demo.orderplan import plan_orders
from postventa.demo.people import cif, dni, plan_customers
from postventa.helpdesk.models import Message, Ticket
from postventa.orders import pipeline
from postventa.orders.models import Order, OrderLine, OrderStatusChange, Shipment, ShipmentEvent

SMALL_CUSTOMERS, SMALL_ORDERS = loader.SCALES["small"]

COUNTED = [Customer, CustomerEmail, ExternalId, Consent, ConsentEvent, Category, Product, Order, OrderLine,
           OrderStatusChange, Shipment, ShipmentEvent, Asset, User, Team, Skill, TimelineEntry, DemoLoad,
           Ticket, Message, OutboxEvent]  # fmt: skip


def _aftercare_order_ids() -> set[int]:
    """Orders the aftercare demo adds (claim replacements, return exchanges), not the shop's."""
    from postventa.aftercare.claims.models import WarrantyClaim
    from postventa.aftercare.returns.models import ReturnRequest

    ids = set(WarrantyClaim.objects.exclude(replacement_order=None).values_list("replacement_order_id", flat=True))
    return ids | set(ReturnRequest.objects.exclude(exchange_order=None).values_list("exchange_order_id", flat=True))


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_small_demo_twice_adds_everything_once_and_nothing_the_second_time():
    # when
    first_output = _run("--scale", "small")
    after_first = _counts()
    second_output = _run("--scale", "small")
    # then
    assert "300 orders" in first_output
    assert after_first["Customer"] == SMALL_CUSTOMERS
    assert after_first["Order"] == SMALL_ORDERS + len(_aftercare_order_ids())
    assert after_first["Product"] == len(PRODUCTS) >= 50
    assert after_first["Category"] >= 7
    assert after_first["Team"] == 3
    assert after_first["OrderLine"] >= SMALL_ORDERS
    assert after_first["Asset"] > 0
    assert TimelineEntry.objects.filter(kind="order.created").exclude(
        source_id__in=[str(i) for i in _aftercare_order_ids()]
    ).count() == SMALL_ORDERS
    assert TimelineEntry.objects.filter(kind="customer.created").count() == SMALL_CUSTOMERS
    assert _counts() == after_first
    assert "everything was already there" in second_output
    assert DemoLoad.objects.count() == 1
    # The demo must not queue emails or webhooks to fake customers: the helpdesk services'
    # events are settled before commit and no reply waits for delivery.
    assert OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).count() == 0
    assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.DONE).exists()
    assert not Message.objects.filter(delivery_status=Message.Delivery.PENDING).exists()


@pytest.mark.django_db
def test_demo_fills_the_helpdesk_inbox_once(client):
    # when
    _run("--scale", "small")
    tickets = Ticket.objects.filter(warranty_claims__isnull=True)  # the claims demo opens its own
    # then
    assert 70 <= tickets.count() <= 90
    assert set(tickets.values_list("status", flat=True)) == {
        "new",
        "open",
        "pending",
        "on_hold",
        "solved",
        "closed",
    }
    assert {"email", "web_chat", "whatsapp", "web_form", "phone"} <= set(
        tickets.values_list("channel", flat=True)
    )
    assert len(set(tickets.values_list("priority", flat=True))) >= 3
    assert tickets.values("team").distinct().count() == 3
    assert tickets.filter(assignee__username="agente").count() >= 5
    assert tickets.filter(order__isnull=False).count() >= 20
    assert tickets.filter(language="en").exists()
    assert Message.objects.filter(kind=Message.Kind.INTERNAL_NOTE).exists()
    now = timezone.now()
    for ticket in tickets.prefetch_related("messages"):
        messages = list(ticket.messages.all())
        assert 1 <= len(messages) <= 4
        assert now - dt.timedelta(days=31) <= ticket.created_at <= ticket.updated_at <= now
        assert ticket.order is None or ticket.order.customer_id == ticket.customer_id
    assert OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).count() == 0
    assert not Message.objects.filter(delivery_status=Message.Delivery.PENDING).exists()
    # The agent's console inbox shows them.
    client.post(reverse("console:login"), {"username": "agente", "password": "postventa-agente"})
    response = client.get("/console/tickets/")
    assert response.status_code == 200
    mine = tickets.filter(assignee__username="agente").exclude(status__in=["solved", "closed"]).first()
    assert mine.subject in response.content.decode()
    # A second run adds no ticket, message or event.
    before = (Ticket.objects.count(), Message.objects.count(), OutboxEvent.objects.count())
    _run("--scale", "small")
    assert (Ticket.objects.count(), Message.objects.count(), OutboxEvent.objects.count()) == before


@pytest.mark.django_db
def test_once_does_nothing_when_the_demo_is_loaded():
    assert "already loaded" not in _run("--once", "--customers", "5", "--orders", "12")
    before = _counts()
    assert "already loaded" in _run("--once", "--scale", "small")
    assert _counts() == before
    assert Order.objects.count() == 12


@pytest.mark.django_db
def test_demo_users_can_sign_in_with_their_roles(client):
    _run("--customers", "3", "--orders", "0")
    assert [row[0] for row in demo_logins()] == [u for u, _, _ in DEMO_USERS]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == "admin"
    for username, password, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(password)
    response = client.post(reverse("console:login"), {"username": "agente", "password": "postventa-agente"})
    assert response.status_code == 302
    assert client.get(reverse("console:dashboard")).status_code == 200
    assert set(User.objects.get(username="agente").teams.values_list("name", flat=True)) == {
        "Atención al cliente", "Soporte técnico",
    }  # fmt: skip


@pytest.mark.django_db
def test_every_status_is_present_and_every_history_is_legal():
    _run("--scale", "small")
    assert set(Order.objects.values_list("status", flat=True)) == set(pipeline.STATUSES)
    now = timezone.now()
    orders = Order.objects.exclude(pk__in=_aftercare_order_ids()).prefetch_related(
        "status_changes", "shipments__events", "lines__assets"
    )
    for order in orders:
        history = list(order.status_changes.all())
        assert history[0].from_status == "" and history[0].to_status == pipeline.INITIAL
        assert history[0].occurred_at == order.placed_at
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status
            assert pipeline.is_allowed(before.to_status, after.to_status), (order.number, before, after)
            assert before.occurred_at <= after.occurred_at <= now
        assert history[-1].to_status == order.status
        shipped = any(h.to_status == pipeline.SHIPPED for h in history)
        assert len(order.shipments.all()) == (1 if shipped else 0)
        for shipment in order.shipments.all():
            assert shipment.events.filter(applied=True).exists()
        subtotal = sum(line.line_total for line in order.lines.all())
        assert order.subtotal == subtotal
        assert order.total == order.subtotal + order.shipping_total
        assets = [a for line in order.lines.all() for a in line.assets.all()]
        if order.status != pipeline.DELIVERED:
            assert assets == []
    # Older orders are mostly delivered; the last fortnight holds the open ones.
    old = Order.objects.filter(placed_at__lt=now - dt.timedelta(days=30))
    assert old.filter(status=pipeline.DELIVERED).count() / old.count() > 0.75
    open_statuses = [pipeline.PENDING_PAYMENT, pipeline.PAID, pipeline.PREPARING]
    assert not old.filter(status__in=open_statuses).exists()


@pytest.mark.django_db
def test_customers_look_like_a_spanish_shop():
    _run("--scale", "small")
    customers = Customer.objects.prefetch_related("addresses", "tags", "consents")
    assert customers.filter(kind="company").exists()
    assert customers.filter(language="en").exists()
    assert customers.filter(language="es").count() > customers.count() * 0.7
    for customer in customers:
        address = customer.addresses.get(is_default=True)
        assert len(address.postcode) == 5 and address.postcode.isdigit()
        assert customer.email.endswith((".com", ".org", ".net"))
        purposes = {(c.purpose, c.status) for c in customer.consents.all()}
        assert ("transactional", "granted") in purposes
    assert Consent.objects.filter(purpose="marketing", status="withdrawn").exists()
    assert set(customers.filter(tags__name="b2b").values_list("kind", flat=True)) == {"company"}
    # Each withdrawn consent keeps its grant in the history.
    withdrawn = Consent.objects.filter(purpose="marketing", status="withdrawn").first()
    statuses = list(
        ConsentEvent.objects.filter(customer=withdrawn.customer, purpose="marketing")
        .order_by("occurred_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["granted", "withdrawn"]


def test_plans_are_deterministic_for_a_seed():
    now = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
    a = plan_customers(40, seed=7)
    b = plan_customers(40, seed=7)
    assert [(p.email, p.phone, p.address.postcode) for p in a] == [
        (p.email, p.phone, p.address.postcode) for p in b
    ]
    assert [p.email for p in plan_customers(40, seed=8)] != [p.email for p in a]
    weights = [p.weight for p in a]
    oa = plan_orders(100, customer_weights=weights, products=PRODUCTS, now=now, seed=7)
    ob = plan_orders(100, customer_weights=weights, products=PRODUCTS, now=now, seed=7)
    assert [(o.number, o.status, o.placed_at, o.totals()) for o in oa] == [
        (o.number, o.status, o.placed_at, o.totals()) for o in ob
    ]


def test_tax_ids_have_valid_control_characters():
    assert dni(12345678) == "12345678Z"
    assert cif(1234567) == "B12345674"
