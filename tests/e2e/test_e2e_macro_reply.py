"""In Chromium: an agent answers an email ticket with a macro, and the customer gets the email."""

from __future__ import annotations

import pytest
from conftest_e2e import login
from mailtools import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_answers_an_email_ticket_with_a_macro(page, live_server, agent, supervisor, smtp_server, drain_outbox):
    from postventa.customers.services import customer_create
    from postventa.helpdesk.automation.services import macro_save
    from postventa.helpdesk.models import Message
    from postventa.helpdesk.services import receive_message

    macro_save(
        acting_user=supervisor,
        name="Pieza en camino",
        body_es="Hola {{ customer.first_name }}, la pieza para el ticket {{ ticket.number }} sale hoy.",
        body_en="Hi {{ customer.first_name }}, the part for ticket {{ ticket.number }} ships today.",
    )
    customer = customer_create(acting_user=None, first_name="Ana", emails=["ana@example.es"], language="es")
    ticket, _message, _created = receive_message(
        customer=customer, channel="email", subject="Falta una pieza", body_text="Me falta la jarra de la batidora"
    )
    drain_outbox()  # acknowledgement
    smtp_server.messages.clear()

    login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/console/tickets/{ticket.pk}/")
    page.get_by_label("Macro").select_option(label="Pieza en camino")
    page.get_by_role("button", name="Insertar").click()
    composer = page.locator("#c-body")
    page.wait_for_function("document.getElementById('c-body').value.includes('sale hoy')")
    text = composer.input_value()
    assert str(ticket.number) in text
    assert text.startswith("Hola ")
    page.locator("form[data-hd-composer] button[type=submit]").click()
    page.get_by_text("sale hoy").first.wait_for()

    reply = Message.objects.get(ticket=ticket, direction="outbound", kind="public_reply")
    assert "sale hoy" in reply.body_text
    drain_outbox()
    mails = smtp_server.wait_for(1)
    assert len(mails) == 1
    assert f"[#{ticket.number}]" in mails[0]["Subject"]
    assert "sale hoy" in body_text(mails[0])
