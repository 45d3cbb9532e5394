"""Automation fixtures: customers, teams of agents, tickets opened the way channels open them."""

from __future__ import annotations

import pytest


@pytest.fixture
def customer_es(db):
    from postventa.customers.services import customer_create

    return customer_create(
        acting_user=None, first_name="Lucía", last_name="Pérez", emails=["lucia@example.com"], tags=["vip"]
    )


@pytest.fixture
def customer_en(db):
    from postventa.customers.services import customer_create

    return customer_create(
        acting_user=None, first_name="Bob", last_name="Smith", emails=["bob@example.com"], language="en"
    )


@pytest.fixture
def make_team(db):
    from postventa.accounts.models import Team

    def make(name: str) -> Team:
        return Team.objects.create(name=name)

    return make


@pytest.fixture
def make_agent(make_user):
    """An available agent in `team`, with optional skills (("language", "es"), ...)."""
    from postventa.accounts.models import Skill

    def make(username: str, team, *, capacity: int = 20, availability: str = "available", skills=()):
        user = make_user(
            username, role="agent", availability=availability, capacity=capacity, first_name=username.title()
        )
        user.teams.add(team)
        for kind, code in skills:
            skill, _created = Skill.objects.get_or_create(
                kind=kind, code=code, defaults={"name": f"{kind} {code}"}
            )
            user.skills.add(skill)
        return user

    return make


@pytest.fixture
def inbound(customer_es):
    """receive_message: a new email from the Spanish customer unless told otherwise."""
    from postventa.helpdesk.services import receive_message

    def send(body: str = "Mi batidora no enciende", **kwargs):
        kwargs.setdefault("customer", customer_es)
        kwargs.setdefault("channel", "email")
        kwargs.setdefault("subject", "Batidora rota")
        ticket, _message, _created = receive_message(body_text=body, **kwargs)
        return ticket

    return send


@pytest.fixture
def order_with(db):
    """An order of `customer` with one product in category `slug`."""
    from postventa.catalog.models import Category, Product
    from postventa.orders.models import Order, OrderLine

    counter = {"n": 0}

    def make(customer, slug: str, sku: str):
        counter["n"] += 1
        category, _created = Category.objects.get_or_create(
            slug=slug, defaults={"name_es": slug, "name_en": slug}
        )
        product, _created = Product.objects.get_or_create(
            sku=sku, defaults={"name_es": sku, "category": category}
        )
        order = Order.objects.create(number=f"PV-{counter['n']:05d}", customer=customer)
        OrderLine.objects.create(order=order, product=product, sku=sku, quantity=1)
        return order

    return make


@pytest.fixture
def no_default_rules(db):
    """The seeded triggers and automations switched off, so a test sees only its own rules."""
    from postventa.helpdesk.automation.models import Automation, Trigger

    Trigger.objects.update(active=False)
    Automation.objects.update(active=False)
