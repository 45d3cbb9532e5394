"""In Chromium: the technician sends a quote from the workshop page, the customer approves it from
the emailed link without signing in, and sees the repair in the portal."""

from __future__ import annotations

import os
import re

import pytest
from repairs_testutil import link_from

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("REPAIRS_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")


def test_quote_sent_from_console_and_approved_by_link(
    page,
    browser_context_factory,
    live_server,
    agent,
    make_repair,
    asset,
    spare_part,
    smtp_server,
    drain_outbox,
    settings,
):
    settings.BASE_URL = live_server.url
    repair = make_repair(asset, "diagnosing")
    drain_outbox()
    smtp_server.messages.clear()

    _login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/console/repairs/")
    page.get_by_role("link", name=repair.number).click()
    page.wait_for_url(f"{live_server.url}/console/repairs/{repair.pk}/")
    _shot(page, "console_repair_diagnosing")
    page.get_by_role("button", name=re.compile("Enviar presupuesto al cliente")).click()
    page.locator("#repair-status").filter(has_text="Presupuesto enviado").wait_for()
    drain_outbox()
    smtp_server.wait_for(1)
    link = link_from(smtp_server.messages[-1])

    customer_page = browser_context_factory("es-ES").new_page()
    customer_page.goto(f"{live_server.url}{link}")
    customer_page.get_by_text("Bomba obstruida").wait_for()
    _shot(customer_page, "portal_quote_by_link")
    customer_page.fill("#comment", "Adelante, gracias")
    customer_page.get_by_role("button", name="Aprobar el presupuesto").click()
    customer_page.locator("#decision-result").filter(has_text="Ha aprobado el presupuesto").wait_for()
    repair.refresh_from_db()
    assert repair.status == "approved"
    assert repair.quote_comment == "Adelante, gracias"

    page.reload()
    page.locator("#repair-status").filter(has_text="Presupuesto aprobado").wait_for()
    page.get_by_role("button", name=re.compile("En reparación")).click()
    page.locator("#repair-status").filter(has_text="En reparación").wait_for()
    page.select_option("#u-part", str(spare_part.pk))
    page.get_by_role("button", name="Usar pieza").click()
    page.get_by_text("Pieza usada; stock actualizado.").wait_for()
    _shot(page, "console_repair_in_repair")
    page.goto(f"{live_server.url}/console/repairs/")
    _shot(page, "console_repair_list")
    page.goto(f"{live_server.url}/console/repairs/spare-parts/")
    _shot(page, "console_spare_parts")


def test_agent_splits_an_approved_repair_into_an_interest_free_plan(
    page, live_server, agent, make_repair, asset
):
    repair = make_repair(asset, "approved")
    _login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/console/repairs/{repair.pk}/")
    page.get_by_role("link", name="Crear un plan de pago sin intereses").click()
    page.fill("#instalments", "5")
    _shot(page, "console_plan_create")
    page.get_by_role("button", name="Crear plan").click()
    page.locator("#plan-terms").filter(has_text="5 plazos de 22,99").wait_for()
    assert "0 % de interés; sin recargos por retraso" in page.locator("#plan-terms").inner_text()
    page.get_by_role("button", name="Registrar pago").first.click()
    page.get_by_text("Pago del plazo 1 registrado.").wait_for()
    _shot(page, "console_plan_detail")
