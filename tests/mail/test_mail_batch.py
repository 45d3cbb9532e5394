"""Batch ingest (an IMAP fetch): one transaction, one savepoint per email, shared lookups."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postventa.core.models import OutboxEvent
from postventa.customers.models import Customer, CustomerEmail
from postventa.helpdesk.models import Message, Ticket
from postventa.messaging.email import quotes
from postventa.messaging.email.models import InboundEmail, Mailbox
from postventa.messaging.email.services import inbound_retry, inbound_store_many, process_many

pytestmark = pytest.mark.django_db


def mail(n: int, *, sender: str = "", body: str = "", reply_to: str = "", subject: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Cliente {n} <{sender or f'cliente{n}@example.es'}>"
    msg["To"] = "soporte@tienda.test"
    msg["Message-ID"] = f"<batch-{n}@example.es>"
    msg["Subject"] = subject or f"Pedido {1000 + n} dañado"
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = reply_to
    msg.set_content(body or f"El pedido {1000 + n} llegó roto.")
    return msg.as_bytes()


@pytest.fixture
def mailbox():
    return Mailbox.objects.create(name="Soporte", address="soporte@tienda.test")


@pytest.fixture
def boom(monkeypatch):
    """Processing fails for any email whose body says BOOM (a stand-in for a bug or a bad row)."""
    real = quotes.strip_text

    def strip_text(text, **kwargs):
        if "BOOM" in text:
            raise RuntimeError("parser exploded")
        return real(text, **kwargs)

    monkeypatch.setattr(quotes, "strip_text", strip_text)
    return monkeypatch


def test_one_broken_email_is_dead_lettered_and_the_others_are_kept(mailbox, boom, admin_user):
    raws = [
        mail(1),
        mail(2, sender="nueva@example.es", body="BOOM"),
        # Same new sender after the failure: the rolled-back customer must not be reused.
        mail(3, sender="nueva@example.es"),
        mail(4),
    ]
    ids = inbound_store_many(raws=raws, mailbox=mailbox)
    assert process_many(ids) == ["processed", "failed", "processed", "processed"]

    rows = {row.pk: row for row in InboundEmail.objects.filter(pk__in=ids)}
    broken = rows[ids[1]]
    assert broken.status == "failed" and broken.reason == "error" and "parser exploded" in broken.error
    assert broken.attempts == 1 and broken.ticket_id is None and broken.processed_at is None
    assert bytes(broken.raw) == raws[1]  # the raw mail is kept for the retry
    for pk in (ids[0], ids[2], ids[3]):
        row = rows[pk]
        assert row.status == "processed" and row.attempts == 1 and row.processed_at is not None
        assert Message.objects.get(pk=row.helpdesk_message_id).ticket_id == row.ticket_id
    # Mail 3's customer really exists (its creation in mail 2 was rolled back with mail 2).
    third = Ticket.objects.get(pk=rows[ids[2]].ticket_id)
    assert Customer.objects.filter(pk=third.customer_id).exists()
    assert CustomerEmail.objects.filter(email="nueva@example.es").count() == 1
    assert Ticket.objects.count() == 3 and Message.objects.count() == 3
    # Events only for what was kept: ticket.created + message_added per ticket, none for mail 2.
    events = list(OutboxEvent.objects.filter(type__startswith="ticket.").values_list("type", "payload"))
    assert sorted(t for t, _p in events) == ["ticket.created"] * 3 + ["ticket.message_added"] * 3
    assert {p["ticket_id"] for _t, p in events} == {r.ticket_id for r in rows.values() if r.ticket_id}

    boom.undo()
    assert inbound_retry(acting_user=admin_user, inbound_id=broken.pk) == "processed"
    broken.refresh_from_db()
    assert broken.status == "processed" and broken.attempts == 2 and broken.error == ""
    # Same sender as mail 3, its own subject: a ticket of its own for that customer.
    assert Ticket.objects.get(pk=broken.ticket_id).customer_id == third.customer_id


def test_a_reply_later_in_the_same_batch_threads_onto_the_ticket_opened_earlier_in_it(mailbox):
    raws = [mail(1), mail(2, sender="cliente1@example.es", reply_to="<batch-1@example.es>", subject="Re: x")]
    ids = inbound_store_many(raws=raws, mailbox=mailbox)
    assert process_many(ids) == ["processed", "processed"]
    first, second = (InboundEmail.objects.get(pk=pk) for pk in ids)
    assert second.ticket_id == first.ticket_id and second.reason == "threaded"
    assert Ticket.objects.get().customer_message_count == 2


def test_a_batch_run_twice_and_a_duplicate_inside_it_file_each_email_once(mailbox):
    raws = [mail(1), mail(2), mail(1)]  # the same Message-ID twice in one fetch
    ids = inbound_store_many(raws=raws, mailbox=mailbox)
    assert process_many(ids) == ["processed", "processed", "processed"]
    assert InboundEmail.objects.get(pk=ids[2]).reason == "threaded"
    assert Message.objects.count() == 2
    assert process_many(ids) == ["processed", "processed", "processed"]  # nothing happens again
    assert Message.objects.count() == 2 and Ticket.objects.count() == 2


def test_batch_lookups_are_shared_queries_per_email_stay_bounded(mailbox):
    # Known senders (the common case): the per-email work is the ticket's own rows.
    warm = inbound_store_many(raws=[mail(n, body="x") for n in range(20)], mailbox=mailbox)
    process_many(warm)
    raws = [mail(n, body=f"segunda {n}", subject=f"Otra cosa {n}").replace(b"batch-", b"again-") for n in range(20)]
    ids = inbound_store_many(raws=raws, mailbox=mailbox)
    with CaptureQueriesContext(connection) as ctx:
        assert process_many(ids) == ["processed"] * 20
    # 20 new tickets. Before the batch work it took ~25 statements per email (savepoints aside);
    # now: sequence, ticket, message, thread key, timeline, and little else.
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 20 * 7, len(statements)
    assert sum("core_outboxevent" in q["sql"] for q in ctx.captured_queries) == 1  # one emit_many
    assert sum('UPDATE "mail_inboundemail"' in q["sql"] for q in ctx.captured_queries) == 1
