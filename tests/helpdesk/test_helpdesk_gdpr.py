"""Tickets in the customer-wide features: GDPR export and erase, customer merge, the timeline."""

from __future__ import annotations

from postventa.customers.timeline import render
from postventa.helpdesk import services
from postventa.helpdesk.content import IncomingFile
from postventa.helpdesk.models import Attachment, Message, Ticket, TicketThreadKey


def test_export_has_public_messages_but_not_notes(inbound, agent, customer_a):
    from postventa.core.registry import GDPR_EXPORTERS

    ticket, _m, _ = inbound(attachments_in=[IncomingFile("a.pdf", "application/pdf", b"%PDF")])
    services.add_note(ticket=ticket, acting_user=agent, body="staff only")
    data = GDPR_EXPORTERS["helpdesk"](customer_a)
    assert data[0]["number"] == ticket.number
    assert [m["text"] for m in data[0]["messages"]] == ["My blender does not turn on"]
    assert data[0]["messages"][0]["files"] == ["a.pdf"]


def test_erase_blanks_words_files_and_keys(inbound, customer_a):
    from postventa.core.registry import GDPR_ERASERS

    ticket, _m, _ = inbound(thread_keys=["<id@ana>"], attachments_in=[IncomingFile("a.pdf", "application/pdf", b"%PDF")])
    path = Attachment.objects.get().file.path
    GDPR_ERASERS["helpdesk"](customer_a)
    ticket.refresh_from_db()
    assert ticket.subject == "[erased]"
    assert set(Message.objects.filter(ticket=ticket).values_list("body_text", flat=True)) == {"[erased]"}
    assert Attachment.objects.count() == 0 and TicketThreadKey.objects.count() == 0
    import os

    assert not os.path.exists(path)


def test_customer_merge_moves_tickets(inbound, customer_a, customer_b, admin_user):
    from postventa.customers.merge import customer_merge

    ticket, message, _ = inbound(customer=customer_b)
    customer_merge(source=customer_b, target=customer_a, acting_user=admin_user)
    ticket.refresh_from_db()
    message.refresh_from_db()
    assert ticket.customer_id == customer_a.pk and message.author_customer_id == customer_a.pk
    # the merged-away customer's next message lands with the surviving customer
    customer_b.refresh_from_db()
    again, _msg, created = inbound(customer=customer_b, body="hello again")
    assert again.customer_id == customer_a.pk


def test_timeline_sentences(inbound, agent, customer_a):
    from postventa.customers.models import TimelineEntry

    ticket, _m, _ = inbound(subject="Broken lid")
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "solved"})
    from django.utils import translation

    entries = list(TimelineEntry.objects.filter(customer=customer_a, kind__startswith="ticket."))
    with translation.override("en"):
        sentences = [render(e) for e in entries]
    assert f"Ticket #{ticket.number} solved: Broken lid" in sentences
    assert f"Ticket #{ticket.number} opened: Broken lid" in sentences
    with translation.override("es"):
        assert f"Ticket #{ticket.number} resuelto: Broken lid" in [render(e) for e in entries]
    assert Ticket.objects.count() == 1
