"""The inbound SMTP/LMTP listener (aiosmtpd): raw stored before the 250, then processed."""

from __future__ import annotations

import smtplib
import socket

import pytest

from postventa.helpdesk.models import Ticket
from postventa.messaging.email.listener import make_controller
from postventa.messaging.email.models import InboundEmail, Mailbox
from postventa.messaging.email.services import process_inbound

RAW = (
    b"From: Ana <ana@example.es>\r\nTo: soporte@tienda.test\r\nSubject: Por SMTP\r\n"
    b"Message-ID: <lmtp-1@example.es>\r\n\r\nLlega por el listener.\r\n"
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def listening(transactional_db):
    box = Mailbox.objects.create(name="Soporte", address="soporte@tienda.test", inbound_smtp_enabled=True)
    queued: list[int] = []

    def start(lmtp: bool):
        port = _port()
        controller = make_controller(host="127.0.0.1", port=port, lmtp=lmtp, enqueue=queued.append)
        controller.start()
        started.append(controller)
        return port

    started: list = []
    yield box, queued, start
    for controller in started:
        controller.stop()


@pytest.mark.parametrize("lmtp", [False, True], ids=["smtp", "lmtp"])
def test_listener_stores_raw_then_processing_makes_a_ticket(listening, lmtp):
    box, queued, start = listening
    port = start(lmtp)
    client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port)
    try:
        refused = client.sendmail("ana@example.es", ["soporte@tienda.test"], RAW)
    finally:
        client.quit()

    assert refused == {}
    row = InboundEmail.objects.get()
    assert row.mailbox_id == box.pk and row.source == "smtp" and row.status == "received"
    assert bytes(row.raw).replace(b"\r\n", b"\n") == RAW.replace(b"\r\n", b"\n")
    assert queued == [row.pk]
    assert process_inbound(row.pk) == "processed"
    assert Ticket.objects.get().subject == "Por SMTP"


def test_unknown_recipient_is_refused(listening):
    _box, queued, start = listening
    port = start(False)
    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("ana@example.es", ["nadie@tienda.test"], RAW)
    assert InboundEmail.objects.count() == 0 and queued == []
