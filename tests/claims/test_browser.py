"""In Chromium: a customer files a claim in the portal (coverage first, a photo), an agent reviews,
approves and starts the repair in the console; the customer's emails arrive through real SMTP."""

from __future__ import annotations

import re

import pytest

from .conftest import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/claims-shots"


def _portal_cookie(context, live_server, customer) -> None:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from postventa.helpdesk import portal_auth

    session = SessionStore()
    session[portal_auth.SESSION_KEY] = customer.pk
    session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )


def test_customer_files_agent_approves_repair(
    browser_context_factory,
    live_server,
    customer_a,
    asset_a,
    old_asset_a,
    agent,
    smtp_server,
    drain_outbox,
    tmp_path,
):
    import os

    from postventa.aftercare.claims.models import WarrantyClaim

    os.makedirs(SHOTS, exist_ok=True)
    photo = tmp_path / "drum.png"
    photo.write_bytes(PNG)
    customer_ctx = browser_context_factory("es-ES")
    _portal_cookie(customer_ctx, live_server, customer_a)
    page = customer_ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/claims/new/")
    page.get_by_role("row", name=re.compile("SN-A-001")).get_by_role("link").click()
    sentence = page.locator("#coverage-sentence")
    assert "garantía legal" in sentence.inner_text()
    page.fill("#c-symptoms", "El tambor no gira y aparece el error E21 en la pantalla.")
    page.check("input[name=preferred_remedy][value=repair]")
    page.set_input_files("#c-photos", str(photo))
    page.screenshot(path=f"{SHOTS}/portal-new.png", full_page=True)
    page.get_by_role("button", name="Presentar la reclamación").click()
    page.wait_for_url(re.compile(r".*/claims/CLM-\d{4}-\d{6}/$"))
    claim = WarrantyClaim.objects.get()
    assert page.locator("#claim-status").inner_text().strip() == "Recibida"
    page.screenshot(path=f"{SHOTS}/portal-detail.png", full_page=True)

    staff = browser_context_factory("es-ES").new_page()
    staff.set_default_timeout(30_000)
    staff.goto(f"{live_server.url}/console/login/")
    staff.fill("#id_username", agent.username)
    staff.fill("#id_password", "correct-horse-battery")
    staff.click("form:has(#id_username) button[type=submit]")
    staff.wait_for_url(f"{live_server.url}/console/**")
    staff.goto(f"{live_server.url}/console/claims/")
    staff.screenshot(path=f"{SHOTS}/console-list.png", full_page=True)
    staff.get_by_role("link", name=claim.number).click()
    staff.get_by_role("button", name="Empezar la revisión").click()
    staff.get_by_role("button", name="Aprobar").click()
    staff.screenshot(path=f"{SHOTS}/console-remedy.png", full_page=True)
    staff.get_by_role("button", name="Poner en marcha la solución").click()
    staff.locator("#claim-status").filter(has_text="Solución en curso").wait_for()
    staff.screenshot(path=f"{SHOTS}/console-detail.png", full_page=True)
    claim.refresh_from_db()
    assert claim.status == "remedy_in_progress" and claim.remedy == "repair" and claim.repair_order_id

    drain_outbox()
    drain_outbox()
    subjects = [m["Subject"] for m in smtp_server.wait_for(2) if "lucia@example.com" in m["To"]]
    assert any("Hemos recibido" in s for s in subjects) and any("aprobada" in s for s in subjects)
    staff.goto(f"{live_server.url}/console/claims/report/claim-rate/")
    staff.screenshot(path=f"{SHOTS}/console-rate.png", full_page=True)
