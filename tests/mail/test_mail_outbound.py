"""Email out: delivery status, retries with backoff, one email per message, automatic replies."""

from __future__ import annotations

import datetime as dt

import pytest
from mailtools import body_text

from postventa.core.models import OutboxEvent
from postventa.customers.services import customer_identify
from postventa.helpdesk.models import Message
from postventa.helpdesk.services import reply, ticket_create
from postventa.messaging.email.models import Mailbox, OutboundEmail
from postventa.messaging.email.outbound import deliver
from postventa.messaging.email.threading_keys import OWN_MESSAGE_ID


def ours(sink):
    return [m for m in sink.messages if OWN_MESSAGE_ID.match(m["Message-ID"] or "")]


@pytest.fixture
def web_ticket(db):
    customer, _ = customer_identify(email="marc@example.com", first_name="Marc", language="en")
    return ticket_create(
        customer=customer, subject="Broken hinge", body="The door hinge broke.", channel="web_form"
    )


@pytest.fixture
def box(db):
    return Mailbox.objects.create(name="Support", address="support@shop.test")


def test_web_form_ticket_reply_goes_by_email_in_the_customers_language(
    web_ticket, box, supervisor, smtp_server, drain_outbox
):
    reply(ticket=web_ticket, acting_user=supervisor, body="We are sending a new hinge.")
    drain_outbox()

    smtp_server.wait_for(1)
    (mail,) = ours(smtp_server)
    assert mail["Subject"] == f"Re: Broken hinge [#{web_ticket.number}]"
    assert "Reply to this email to add to ticket" in body_text(mail)
    assert mail["From"].addresses[0].addr_spec == "support@shop.test"
    assert mail["In-Reply-To"] is None  # the form message has no email id to answer


def test_spanish_customer_gets_the_spanish_template(db, box, supervisor, smtp_server, drain_outbox):
    customer, _ = customer_identify(email="rosa@example.es", first_name="Rosa", language="es")
    ticket = ticket_create(customer=customer, subject="Bisagra rota", body="Se rompió.", channel="web_form")
    reply(ticket=ticket, acting_user=supervisor, body="Le enviamos otra.")
    drain_outbox()

    smtp_server.wait_for(1)
    (mail,) = ours(smtp_server)
    assert "Responda a este correo" in body_text(mail)


def test_failed_delivery_is_recorded_then_retried_with_backoff(
    web_ticket, box, supervisor, smtp_server, drain_outbox, settings
):
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there: connection refused
    message = reply(ticket=web_ticket, acting_user=supervisor, body="We are sending a new hinge.")
    drain_outbox()

    message.refresh_from_db()
    assert message.delivery_status == "failed" and "refused" in message.last_error.lower()
    row = OutboundEmail.objects.get(helpdesk_message_id=message.pk)
    assert row.status == "failed" and row.attempts == 1
    event = OutboxEvent.objects.get(type="ticket.message_added", payload__message_id=message.pk)
    assert event.status == "pending" and event.attempts == 1 and "mail.deliver" not in event.done_receivers

    settings.EMAIL_PORT = good_port
    drain_outbox(now=event.next_attempt_at + dt.timedelta(seconds=1))

    message.refresh_from_db()
    assert message.delivery_status == "sent" and message.last_error == ""
    smtp_server.wait_for(1)
    assert len(ours(smtp_server)) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and message.external_id == row.rfc_message_id


def test_one_email_per_message_even_when_the_worker_runs_twice(
    web_ticket, box, supervisor, smtp_server, drain_outbox
):
    message = reply(ticket=web_ticket, acting_user=supervisor, body="Only once.")
    drain_outbox()
    smtp_server.wait_for(1)

    assert deliver(message.pk) == "sent"
    assert deliver(message.pk) == "sent"

    assert len(ours(smtp_server)) == 1
    assert OutboundEmail.objects.filter(helpdesk_message_id=message.pk).count() == 1


def test_automatic_messages_are_marked_auto_submitted(web_ticket, box, smtp_server):
    message = Message.objects.create(
        ticket=web_ticket, kind="public_reply", direction="outbound", channel="web_form",
        body_text="Your ticket was received.", data={"automatic": True}, delivery_status="pending",
    )  # fmt: skip

    assert deliver(message.pk) == "sent"

    smtp_server.wait_for(1)
    (mail,) = ours(smtp_server)
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Postventa-Loop"]


def test_notes_and_other_channels_are_not_emailed(web_ticket, box, supervisor, smtp_server, drain_outbox):
    from postventa.helpdesk.services import add_note

    add_note(ticket=web_ticket, acting_user=supervisor, body="Internal only.")
    drain_outbox()

    assert ours(smtp_server) == []
    assert OutboundEmail.objects.count() == 0
