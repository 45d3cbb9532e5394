"""Dead letters: a processing failure keeps the raw as `failed`; an admin retries it after the fix."""

from __future__ import annotations

import pytest

from postventa.core.errors import Conflict
from postventa.helpdesk.models import Ticket
from postventa.messaging.email import parsing
from postventa.messaging.email.models import InboundEmail
from postventa.messaging.email.services import inbound_retry, inbound_store, process_inbound

RAW = (
    b"From: Ana <ana@example.es>\r\nTo: soporte@tienda.test\r\nSubject: Pedido\r\n"
    b"Message-ID: <dl-1@example.es>\r\n\r\nNo me ha llegado el pedido.\r\n"
)


@pytest.mark.django_db
def test_parser_failure_is_kept_and_retry_after_the_fix_processes_it(monkeypatch, admin_user):
    real_parse = parsing.parse

    def broken(raw):
        raise UnicodeError("parser bug")

    monkeypatch.setattr(parsing, "parse", broken)
    raw_id = inbound_store(raw=RAW)

    assert process_inbound(raw_id) == "failed"

    row = InboundEmail.objects.get(pk=raw_id)
    assert row.status == "failed" and "parser bug" in row.error and row.attempts == 1
    assert bytes(row.raw) == RAW and row.from_address == "ana@example.es" and row.subject == "Pedido"
    assert Ticket.objects.count() == 0

    monkeypatch.setattr(parsing, "parse", real_parse)  # the fix is deployed
    assert inbound_retry(acting_user=admin_user, inbound_id=raw_id) == "processed"

    row.refresh_from_db()
    assert row.status == "processed" and row.attempts == 2 and row.error == ""
    assert Ticket.objects.get(pk=row.ticket_id).messages.get().body_text == "No me ha llegado el pedido."
    with pytest.raises(Conflict):
        inbound_retry(acting_user=admin_user, inbound_id=raw_id)


@pytest.mark.django_db
def test_agents_cannot_retry(agent):
    from postventa.core.errors import PermissionDenied

    raw_id = inbound_store(raw=RAW)
    with pytest.raises(PermissionDenied):
        inbound_retry(acting_user=agent, inbound_id=raw_id)


@pytest.mark.django_db
def test_processing_the_same_row_twice_changes_nothing():
    raw_id = inbound_store(raw=RAW)
    assert process_inbound(raw_id) == "processed"
    assert process_inbound(raw_id) == "processed"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_mail_storm_from_one_address_is_a_loop(settings):
    settings.MAIL_LOOP_MAX = 3
    statuses = []
    for i in range(5):
        raw = RAW.replace(b"<dl-1@", f"<storm-{i}@".encode())
        statuses.append(process_inbound(inbound_store(raw=raw)))
    assert statuses == ["processed", "processed", "processed", "ignored", "ignored"]
    assert InboundEmail.objects.filter(reason="loop").count() == 2


@pytest.mark.django_db
def test_mail_from_one_of_our_own_mailboxes_is_a_loop():
    from postventa.messaging.email.models import Mailbox

    Mailbox.objects.create(name="Soporte", address="soporte@tienda.test")
    raw = RAW.replace(b"From: Ana <ana@example.es>", b"From: Soporte <Soporte@tienda.test>")
    raw_id = inbound_store(raw=raw)

    assert process_inbound(raw_id) == "ignored"
    assert InboundEmail.objects.get(pk=raw_id).reason == "loop"
    assert Ticket.objects.count() == 0
