"""Helpdesk fixtures: customers A and B, teams, and a ticket opened the way a channel opens one."""

from __future__ import annotations

import pytest


@pytest.fixture
def customer_a(db):
    from postventa.customers.services import customer_create

    return customer_create(acting_user=None, first_name="Ana", last_name="García", emails=["ana@example.com"])


@pytest.fixture
def customer_b(db):
    from postventa.customers.services import customer_create

    return customer_create(
        acting_user=None, first_name="Bob", last_name="Smith", emails=["bob@example.com"], language="en"
    )


@pytest.fixture
def team_returns(db):
    from postventa.accounts.models import Team

    return Team.objects.create(name="Returns")


@pytest.fixture
def team_tech(db):
    from postventa.accounts.models import Team

    return Team.objects.create(name="Technical support")


@pytest.fixture
def inbound(customer_a):
    """receive_message with sensible defaults: a new email from customer A."""
    from postventa.helpdesk.services import receive_message

    def send(body: str = "My blender does not turn on", **kwargs):
        kwargs.setdefault("customer", customer_a)
        kwargs.setdefault("channel", "email")
        kwargs.setdefault("subject", "Blender broken")
        return receive_message(body_text=body, **kwargs)

    return send
