"""Emails the helpdesk sends through a real SMTP server: acknowledgement, agent reply, merge notice."""

from __future__ import annotations

import pytest
from mailtools import body_text

from postventa.helpdesk import linking, services
from postventa.helpdesk.models import Message, TicketThreadKey
from postventa.notifications.models import Notification


@pytest.fixture
def interim_delivery(monkeypatch):
    """Only helpdesk's own interim email delivery: channel apps that claim replies are set aside."""
    from postventa.core import events
    from postventa.helpdesk import receivers

    monkeypatch.setattr(receivers, "CLAIMED_CHANNELS", set())
    kept = {
        key: value
        for key, value in events._RECEIVERS.items()
        if key.startswith(("helpdesk.", "core.")) or "ticket.message_added" not in value[0]
    }
    monkeypatch.setattr(events, "_RECEIVERS", kept)


def test_acknowledgement_in_the_customers_language(inbound, customer_a, customer_b, smtp_server, drain_outbox):
    # given: a Spanish and an English customer write in
    ticket_es, _m, _ = inbound()
    ticket_en, _m2, _ = inbound(customer=customer_b, subject="Broken kettle", body="It leaks")
    # when
    drain_outbox()
    # then
    smtp_server.wait_for(2)
    es = smtp_server.to("ana@example.com")
    en = smtp_server.to("bob@example.com")
    assert len(es) == 1 and len(en) == 1
    assert f"[#{ticket_es.number}]" in es[0]["Subject"]
    assert "Hemos recibido" in body_text(es[0]) and str(ticket_es.number) in body_text(es[0])
    assert en[0]["Subject"] == f"[#{ticket_en.number}] We received your request: Broken kettle"
    assert f"opened ticket number {ticket_en.number}" in body_text(en[0])
    # idempotent: draining again sends nothing more
    drain_outbox()
    assert len(smtp_server.messages) == 2


def test_no_acknowledgement_for_tickets_logged_by_agents(customer_a, agent, smtp_server, drain_outbox):
    services.ticket_create(customer=customer_a, subject="Call", body="Asked about stock", channel="phone", acting_user=agent)
    drain_outbox()
    assert smtp_server.messages == []


def test_agent_reply_is_emailed_with_the_ticket_token(
    inbound, customer_b, agent, smtp_server, drain_outbox, interim_delivery
):
    ticket, _m, _ = inbound(customer=customer_b, subject="Broken kettle", body="It leaks", acknowledge=False)
    # when
    message = services.reply(ticket=ticket, acting_user=agent, body="Please send us a photo.\nThanks!")
    drain_outbox()
    # then
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("bob@example.com")
    assert mail["Subject"] == f"[#{ticket.number}] Re: Broken kettle"
    assert "Please send us a photo.\nThanks!" in body_text(mail).replace("\r\n", "\n")
    message.refresh_from_db()
    assert message.delivery_status == "sent"
    assert message.external_id == mail["Message-ID"]
    # the customer's answer to that email finds the ticket by the Message-ID
    assert TicketThreadKey.objects.filter(channel="email", key=mail["Message-ID"], ticket=ticket).exists()
    again, _msg, created = inbound(customer=customer_b, body="Here", thread_keys=[mail["Message-ID"]])
    assert created is False and again.pk == ticket.pk


def test_failed_reply_is_recorded_on_the_message(inbound, customer_b, agent, settings, drain_outbox, interim_delivery):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port  # nothing listens there
    ticket, _m, _ = inbound(customer=customer_b, acknowledge=False)
    message = services.reply(ticket=ticket, acting_user=agent, body="Hello")
    # when
    drain_outbox()
    # then
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert Notification.objects.get(idempotency_key=f"ticket-reply:{message.pk}").status == "failed"


def test_notes_are_never_emailed(inbound, customer_b, agent, smtp_server, drain_outbox):
    ticket, _m, _ = inbound(customer=customer_b, acknowledge=False)
    services.add_note(ticket=ticket, acting_user=agent, body="internal: customer is difficult")
    drain_outbox()
    assert smtp_server.messages == []
    assert Notification.objects.count() == 0


def test_merge_tells_the_customer(inbound, customer_b, agent, smtp_server, drain_outbox):
    target, _m, _ = inbound(customer=customer_b, acknowledge=False)
    source, _m2, _ = inbound(customer=customer_b, acknowledge=False, body="again")
    linking.ticket_merge(source=source, target=target, acting_user=agent)
    drain_outbox()
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("bob@example.com")
    assert mail["Subject"] == f"[#{target.number}] Your request {source.number} continues in this ticket"
    assert Message.objects.filter(ticket=target, kind="system").count() == 1
