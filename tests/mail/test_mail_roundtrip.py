"""Email round trip through real servers: dovecot (IMAP in) and aiosmtpd (SMTP out)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from mailtools import body_html, body_text

from postventa.helpdesk.models import Message, Ticket
from postventa.helpdesk.services import reply
from postventa.messaging.email import imap as imap_poll
from postventa.messaging.email.models import InboundEmail, OutboundEmail
from postventa.messaging.email.threading_keys import OWN_MESSAGE_ID, body_marker


def customer_mail(
    subject="La cafetera pierde agua", body="Hola, la cafetera pierde agua por abajo."
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Lucía Pérez <lucia@example.es>"
    msg["To"] = "soporte@tienda.test"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.es")
    msg.set_content(body)
    return msg.as_bytes()


def ours(sink) -> list[EmailMessage]:
    """Only the replies this app sent (the helpdesk's acknowledgement also reaches the sink)."""
    return [m for m in sink.messages if OWN_MESSAGE_ID.match(m["Message-ID"] or "")]


def answer_to(agent_mail: EmailMessage, *, text: str, keep_in_reply_to=True, keep_references=True,
              keep_token=True, keep_quote=True) -> bytes:  # fmt: skip
    """The customer's reply, built from the agent's email the way a mail client does."""
    msg = EmailMessage()
    msg["From"] = "Lucía Pérez <lucia@example.es>"
    msg["To"] = agent_mail["Reply-To"] or agent_mail["From"]
    subject = f"Re: {agent_mail['Subject']}"
    msg["Subject"] = subject if keep_token else subject.split(" [#")[0]
    msg["Message-ID"] = make_msgid(domain="example.es")
    if keep_in_reply_to:
        msg["In-Reply-To"] = agent_mail["Message-ID"]
    if keep_references:
        msg["References"] = f"{agent_mail['References'] or ''} {agent_mail['Message-ID']}".strip()
    quoted = "\n".join(f"> {line}" for line in body_text(agent_mail).splitlines())
    body = f"{text}\n\nEl mar, 4 nov 2025 a las 9:00, Soporte <soporte@tienda.test> escribió:\n{quoted}\n"
    msg.set_content(body if keep_quote else text)
    return msg.as_bytes()


@pytest.fixture
def conversation(db, imap, mailbox, smtp_server, supervisor, drain_outbox):
    """A customer mail polled from IMAP into a ticket, and the agent's reply delivered by SMTP."""
    first = customer_mail()
    imap.deliver(first)
    stored = imap_poll.poll(mailbox)
    assert len(stored) == 1
    assert imap.unseen() == []  # flagged \Seen only after the raw row committed
    row = InboundEmail.objects.get(pk=stored[0])
    assert row.status == "processed"
    assert bytes(row.raw).replace(b"\r\n", b"\n") == first  # IMAP stores CRLF line ends
    ticket = Ticket.objects.get(pk=row.ticket_id)
    supervisor.first_name, supervisor.last_name = "Sara", "Gómez"
    supervisor.save()
    reply(ticket=ticket, acting_user=supervisor, body="¿Nos envía una foto de la base, por favor?")
    drain_outbox()
    smtp_server.wait_for(2)
    sent = ours(smtp_server)
    assert len(sent) == 1
    # Exactly one email carries the reply: the helpdesk's interim sender left it to this app.
    assert len([m for m in smtp_server.messages if "foto de la base" in body_text(m)]) == 1
    return ticket, message_from_bytes(first, policy=policy.default), sent[0]


def test_agent_reply_arrives_with_threading_headers(conversation, smtp_server):
    ticket, first, agent_mail = conversation

    assert ticket.channel == "email" and ticket.customer.email == "lucia@example.es"
    assert agent_mail["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in agent_mail["References"]
    assert f"[#{ticket.number}]" in agent_mail["Subject"]
    assert agent_mail["From"].addresses[0].addr_spec == "soporte@tienda.test"
    assert agent_mail["From"].addresses[0].display_name == "Sara Gómez via Soporte Tienda"
    assert agent_mail["To"] == "lucia@example.es"
    assert agent_mail["Auto-Submitted"] is None  # a person wrote it
    assert body_marker(ticket.number) in body_text(agent_mail)
    assert body_marker(ticket.number) in body_html(agent_mail)
    assert "¿Nos envía una foto de la base" in body_text(agent_mail)
    message = Message.objects.get(ticket=ticket, direction="outbound", kind="public_reply")
    assert message.delivery_status == "sent" and message.last_error == ""
    assert message.external_id == agent_mail["Message-ID"]
    assert OutboundEmail.objects.get(helpdesk_message_id=message.pk).status == "sent"


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"keep_in_reply_to": False},
        {"keep_in_reply_to": False, "keep_references": False},
        {"keep_in_reply_to": False, "keep_references": False, "keep_token": False},
    ],
    ids=["full-headers", "references-only", "subject-token-only", "body-marker-only"],
)
def test_customer_reply_threads_back_to_the_same_ticket(conversation, imap, mailbox, variant):
    ticket, _first, agent_mail = conversation
    imap.deliver(answer_to(agent_mail, text="Adjunto la foto mañana, ahora no puedo.", **variant))

    stored = imap_poll.poll(mailbox)

    row = InboundEmail.objects.get(pk=stored[0])
    assert row.status == "processed"
    assert row.ticket_id == ticket.pk
    assert Ticket.objects.count() == 1
    message = Message.objects.get(pk=row.helpdesk_message_id)
    assert message.body_text == "Adjunto la foto mañana, ahora no puedo."
    expected = {
        "full-headers": "thread_key", "references-only": "thread_key",
        "subject-token-only": "subject_token", "body-marker-only": "body_marker",
    }  # fmt: skip
    variant_id = (
        "full-headers" if not variant else "references-only" if len(variant) == 1
        else "subject-token-only" if len(variant) == 2 else "body-marker-only"
    )  # fmt: skip
    assert message.data["threaded_by"] == expected[variant_id]
    ticket.refresh_from_db()
    assert ticket.customer_message_count == 2


def test_reply_without_any_thread_reference_opens_a_new_ticket(conversation, imap, mailbox):
    ticket, _first, agent_mail = conversation
    imap.deliver(
        answer_to(agent_mail, text="Otra cosa distinta.", keep_in_reply_to=False, keep_references=False,
                  keep_token=False, keep_quote=False)
    )  # fmt: skip

    row = InboundEmail.objects.get(pk=imap_poll.poll(mailbox)[0])

    assert row.status == "processed" and row.ticket_id != ticket.pk
    assert Ticket.objects.count() == 2


def test_our_own_mail_coming_back_is_a_loop(conversation, imap, mailbox, smtp_server, drain_outbox):
    ticket, _first, agent_mail = conversation
    imap.deliver(agent_mail.as_bytes())

    row = InboundEmail.objects.get(pk=imap_poll.poll(mailbox)[0])
    drain_outbox()

    assert (row.status, row.reason) == ("ignored", "loop")
    assert Message.objects.filter(ticket=ticket).count() == 2
    assert len(ours(smtp_server)) == 1  # nothing answered the loop


def test_polling_twice_does_not_duplicate(db, imap, mailbox):
    imap.deliver(customer_mail())
    assert len(imap_poll.poll(mailbox)) == 1
    assert imap_poll.poll(mailbox) == []
    assert Ticket.objects.count() == 1


def test_poll_due_records_errors_per_mailbox(db, imap, mailbox):
    from postventa.messaging.email.models import Mailbox

    broken = Mailbox.objects.create(
        name="Roto", address="roto@tienda.test", imap_enabled=True, imap_host="127.0.0.1",
        imap_port=imap.port, imap_ssl=False, imap_user="nobody-here", imap_password="wrong",
    )  # fmt: skip
    imap.deliver(customer_mail())

    assert imap_poll.poll_due() == 1

    broken.refresh_from_db()
    mailbox.refresh_from_db()
    assert broken.last_poll_error and broken.last_polled_at is not None
    assert mailbox.last_poll_error == "" and mailbox.last_polled_at is not None
    assert imap_poll.test_connection(mailbox) == (True, "1")
    ok, detail = imap_poll.test_connection(broken)
    assert not ok and "LoginError" in detail
