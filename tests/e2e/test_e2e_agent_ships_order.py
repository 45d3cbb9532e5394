"""In Chromium: an agent signs in, finds a customer, moves their order to shipped; the email arrives."""

from __future__ import annotations

import re

import pytest
from conftest_e2e import login
from mailtools import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shop(agent):
    from postventa.customers.services import customer_create
    from postventa.orders.services import order_create

    customer = customer_create(
        acting_user=agent,
        first_name="Lucía",
        last_name="Gómez Ruiz",
        emails=["lucia.gomez@example.es"],
        phones=["612 345 678"],
        language="es",
    )
    order = order_create(
        acting_user=agent,
        customer=customer,
        number="PV-E2E-1",
        status="preparing",
        lines=[
            {"sku": "LAV-1", "description": "Lavadora Serie 6 8 kg", "quantity": 1, "unit_price": "494.10"}
        ],
        ship_name="Lucía Gómez",
        ship_line1="Calle Mayor 1",
        ship_postcode="28013",
        ship_city="Madrid",
    )
    return customer, order


def test_agent_finds_customer_and_ships_order_and_customer_gets_email(
    page, live_server, agent, smtp_server, drain_outbox
):
    customer, order = _shop(agent)
    drain_outbox()  # the creation events; nothing customer-visible is emailed for them
    smtp_server.messages.clear()

    login(page, live_server, agent.username)
    page.fill("input[type=search][name=q]", "Gómez")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Lucía Gómez Ruiz")).first.click()
    page.wait_for_url(f"{live_server.url}/console/customers/{customer.pk}/")
    page.get_by_role("link", name="PV-E2E-1").first.click()
    page.wait_for_url(f"{live_server.url}/console/orders/{order.pk}/")
    page.locator("button[name=status][value=shipped]").click()
    page.locator("#status-panel .timeline li.current").filter(
        has_text=re.compile("Enviado|Shipped")
    ).wait_for()

    order.refresh_from_db()
    assert order.status == "shipped"
    assert drain_outbox() >= 1  # what the worker does
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    mail = messages[0]
    assert "lucia.gomez@example.es" in mail["To"]
    assert "PV-E2E-1" in mail["Subject"]
    text = body_text(mail)
    assert "Lucía" in text and "Lavadora Serie 6 8 kg" in text
    assert f"{live_server.url}" in text or "/track/" in text

    # The send is on the customer's timeline.
    page.goto(f"{live_server.url}/console/customers/{customer.pk}/")
    assert page.get_by_text(re.compile("PV-E2E-1")).first.is_visible()


def test_public_tracking_page_shows_the_timeline_and_reveals_nothing_on_a_miss(page, live_server, agent):
    customer, order = _shop(agent)
    page.goto(f"{live_server.url}/track/")
    page.fill("#t-number", "PV-E2E-1")
    page.fill("#t-email", "someone.else@example.es")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    miss = page.locator("main").inner_text()
    assert "Lavadora" not in miss and "Madrid" not in miss
    assert page.get_by_role("alert").is_visible()

    page.fill("#t-number", "PV-E2E-1")
    page.fill("#t-email", "")
    page.fill("#t-postcode", "28013")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    shown = page.locator("main").inner_text()
    assert "PV-E2E-1" in shown
    assert "En preparación" in shown
    assert "Lavadora Serie 6 8 kg" in shown
    page.screenshot(path=str(live_server_shot_dir() / "tracking.png"), full_page=True)


def live_server_shot_dir():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.gettempdir()) / "postventa-e2e"
    path.mkdir(exist_ok=True)
    return path
