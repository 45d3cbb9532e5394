"""What the helpdesk holds about a customer: export their tickets; erase blanks their words and files."""

from __future__ import annotations

ERASED = "[erased]"


def export_tickets(customer) -> list[dict]:
    from postventa.helpdesk.models import Message, Ticket

    tickets = Ticket.objects.filter(customer_id=customer.pk).prefetch_related("messages__attachments")
    return [
        {
            "number": t.number,
            "subject": t.subject,
            "status": t.status,
            "channel": t.channel,
            "created_at": t.created_at.isoformat(),
            "messages": [
                {
                    "at": m.created_at.isoformat(),
                    "direction": m.direction,
                    "channel": m.channel,
                    "text": m.body_text,
                    "files": [a.filename for a in m.attachments.all()],
                }
                for m in t.messages.all()
                # Internal notes are staff working papers about the case, not the customer's data.
                if m.kind == Message.Kind.PUBLIC_REPLY
            ],
        }
        for t in tickets
    ]


def erase_tickets(customer) -> None:
    from postventa.helpdesk.models import Attachment, Message, Ticket, TicketThreadKey

    tickets = Ticket.objects.filter(customer_id=customer.pk)
    for attachment in Attachment.objects.filter(ticket__in=tickets):
        attachment.file.delete(save=False)
    Attachment.objects.filter(ticket__in=tickets).delete()
    # Every public message is about the customer (agents quote them); notes are kept for the record.
    Message.objects.filter(ticket__in=tickets, kind=Message.Kind.PUBLIC_REPLY).update(
        body_text=ERASED, body_html="", external_id=None, raw_ref=""
    )
    TicketThreadKey.objects.filter(ticket__in=tickets).delete()
    tickets.update(subject=ERASED, custom_fields={})
