"""In Chromium: an agent searches without accents, filters by channel and opens the message's ticket."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and os.environ.get("CI", "").lower() != "true",
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.mark.parametrize("locale", ["es-ES", "en-GB"])
def test_agent_finds_a_message_and_opens_its_ticket(
    browser_context_factory, live_server, agent, inbound, customer_b, drain_outbox, locale
):
    from postventa.helpdesk.services import add_note

    ticket, message, _c = inbound(
        "Buenas tardes, la cafetera llegó con el depósito roto y quiero la devolución del importe.",
        subject="Cafetera con el depósito roto",
    )
    add_note(ticket=ticket, acting_user=agent, body="Revisar si la devolución entra en garantía.")
    inbound(
        "My kettle arrived broken, I want a refund", customer=customer_b, subject="Kettle", channel="web_chat"
    )
    drain_outbox()
    page = browser_context_factory(locale).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", agent.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")
    page.goto(f"{live_server.url}/console/search/")
    page.fill("#id_q", "devolucion deposito")
    page.locator("form.sr-filters button[type=submit]").click()
    results = page.locator(".sr-list li")
    results.first.wait_for()
    assert results.count() == 1
    assert results.first.locator("mark").first.inner_text() in ("devolución", "depósito")
    page.fill("#id_q", "roto")
    page.select_option("#id_channel", ["email"])
    page.locator("form.sr-filters button[type=submit]").click()
    page.wait_for_url("**channel=email**")
    assert "Kettle" not in page.locator(".sr-list").inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SCREENS / f"console_search_{locale}.png"), full_page=True)
    page.locator(".sr-list li:has(.badge.info) .sr-title").first.click()
    page.wait_for_url(f"{live_server.url}/console/tickets/{ticket.pk}/**")
    assert page.url.endswith(f"#m{message.pk}")
