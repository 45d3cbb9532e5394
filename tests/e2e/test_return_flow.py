"""In Chromium: a customer asks for a return in the portal, an agent approves, receives and inspects
it in the console, a supervisor records a partial refund; each step's email arrives over SMTP."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest_e2e import login
from mailtools import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "postventa-e2e"


def _shop(agent):
    from django.utils import timezone

    from postventa.aftercare.returns.models import ReturnPolicy
    from postventa.customers.services import customer_create
    from postventa.orders.models import Order
    from postventa.orders.services import order_create

    ReturnPolicy.objects.filter(is_active=True).update(auto_approve=False)
    customer = customer_create(
        acting_user=agent,
        first_name="Marta",
        last_name="Ríos",
        emails=["marta.rios@example.es"],
        language="es",
    )
    order = order_create(
        acting_user=agent,
        customer=customer,
        number="PV-RET-1",
        status="delivered",
        lines=[
            {"sku": "CAF-1", "description": "Cafetera espresso", "quantity": 2, "unit_price": "89.90"},
            {"sku": "TAZ-1", "description": "Taza de porcelana", "quantity": 4, "unit_price": "6.50"},
        ],
        shipping_total="4.95",
        ship_name="Marta Ríos",
        ship_line1="Calle Alcalá 10",
        ship_postcode="28014",
        ship_city="Madrid",
    )
    Order.objects.filter(pk=order.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=3))
    return customer, order


def _subjects(smtp_server):
    return [m["Subject"].strip() for m in smtp_server.messages]


def test_customer_returns_agent_inspects_supervisor_refunds_and_emails_arrive(
    browser_context_factory, live_server, agent, supervisor, smtp_server, drain_outbox
):
    from postventa.aftercare.returns.models import Refund, ReturnRequest

    SHOTS.mkdir(exist_ok=True)
    customer, order = _shop(agent)
    drain_outbox()
    smtp_server.messages.clear()

    # The customer, as a guest: order number + email, then one coffee maker, damaged.
    shop = browser_context_factory("es-ES").new_page()
    shop.set_default_timeout(15_000)
    shop.goto(f"{live_server.url}/returns/")
    shop.fill("#r-number", "PV-RET-1")
    shop.fill("#r-email", "marta.rios@example.es")
    with shop.expect_navigation():
        shop.click("form.card button[type=submit]")
    text = shop.locator("main").inner_text()
    assert "Puede devolverlo hasta el" in text and "14 días de desistimiento" in text
    coffee = order.lines.get(sku="CAF-1")
    shop.fill(f"#qty-{coffee.pk}", "1")
    shop.select_option("#r-reason", "damaged")
    shop.fill("#r-detail", "La jarra llegó rota.")
    shop.screenshot(path=str(SHOTS / "portal-return-new.png"), full_page=True)
    with shop.expect_navigation():
        shop.click("form.card button[type=submit]")
    r = ReturnRequest.objects.get()
    assert r.number in shop.locator("h1").inner_text()
    assert "Solicitada" in shop.locator("#return-status").inner_text()
    drain_outbox()
    smtp_server.wait_for(1)
    assert _subjects(smtp_server) == [f"Hemos recibido su solicitud de devolución {r.number}"]

    # The agent approves, marks it received and inspects it.
    desk = browser_context_factory("es-ES").new_page()
    desk.set_default_timeout(15_000)
    login(desk, live_server, agent.username)
    desk.goto(f"{live_server.url}/console/returns/")
    desk.get_by_role("link", name=r.number).click()
    desk.wait_for_url(f"{live_server.url}/console/returns/{r.pk}/")
    with desk.expect_navigation():
        desk.locator("form:has(input[name=status][value=approved]) button").click()
    assert "Aprobada" in desk.locator("#return-status").inner_text()
    drain_outbox()
    smtp_server.wait_for(2)
    approved = smtp_server.messages[1]
    assert approved["Subject"].strip() == f"Devolución {r.number} aprobada: su etiqueta está lista"
    label_path = re.search(r"https?://[^/\s]+(/\S+/label\.pdf)", body_text(approved)).group(1)
    label_url = f"{live_server.url}{label_path}"
    pdf = shop.request.get(label_url)  # the customer's label link works without signing in
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert "Nosotros pagamos el envío de vuelta." in body_text(approved)
    with desk.expect_navigation():
        desk.locator("form:has(input[name=status][value=received]) button").click()
    drain_outbox()
    smtp_server.wait_for(3)
    assert smtp_server.messages[2]["Subject"].strip() == f"Devolución {r.number}: hemos recibido su paquete"
    line = r.lines.get()
    desk.select_option(f"#cond-{line.pk}", "damaged")
    desk.fill(f"#note-{line.pk}", "Jarra rota, caja intacta")
    with desk.expect_navigation():
        desk.click("#inspect-form button[type=submit]")
    assert "Revisada" in desk.locator("#return-status").inner_text()
    assert desk.locator("#refund-form").count() == 0  # agents do not move money
    desk.screenshot(path=str(SHOTS / "console-return-detail.png"), full_page=True)

    # The supervisor refunds part of it.
    boss = browser_context_factory("es-ES").new_page()
    boss.set_default_timeout(15_000)
    login(boss, live_server, supervisor.username)
    boss.goto(f"{live_server.url}/console/returns/{r.pk}/")
    boss.fill("#rf-amount", "60.00")
    boss.select_option("#rf-method", "bank_transfer")
    boss.fill("#rf-ref", "TRF-2026-0042")
    with boss.expect_navigation():
        boss.click("#refund-form button[type=submit]")
    assert "Reembolsada" in boss.locator("#return-status").inner_text()
    refund = Refund.objects.get()
    assert refund.amount == Decimal("60.00") and refund.created_by == supervisor
    drain_outbox()
    smtp_server.wait_for(4)
    refunded = smtp_server.messages[3]
    assert refunded["Subject"].strip() == f"Devolución {r.number}: reembolso realizado"
    assert "60,00" in body_text(refunded) and "TRF-2026-0042" in body_text(refunded)
    assert all("marta.rios@example.es" in m["To"] for m in smtp_server.messages)
    assert len(smtp_server.messages) == 4

    # Once the parcel is back, the label is no longer offered.
    response = shop.request.get(label_url)
    assert response.status == 404  # after the parcel is received the label is no longer offered
    shop.goto(f"{live_server.url}/returns/rma/{r.number}/")
    assert "60,00" in shop.locator("main").inner_text()
    shop.screenshot(path=str(SHOTS / "portal-return-detail.png"), full_page=True)
