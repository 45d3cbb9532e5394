"""What the WhatsApp channel holds about a customer: their WhatsApp ids and the raw notifications."""

from __future__ import annotations

ERASED = "[erased]"


def export_whatsapp(customer) -> list[dict]:
    from postventa.messaging.whatsapp.models import WhatsAppContact

    return [
        {
            "wa_id": c.wa_id,
            "profile_name": c.profile_name,
            "last_message_at": c.last_inbound_at.isoformat() if c.last_inbound_at else None,
        }
        for c in WhatsAppContact.objects.filter(customer_id=customer.pk)
    ]


def erase_whatsapp(customer) -> None:
    from postventa.helpdesk.models import Message
    from postventa.messaging.whatsapp.models import InboundWhatsApp, OutboundWhatsApp, WhatsAppContact

    contacts = WhatsAppContact.objects.filter(customer_id=customer.pk)
    for wa_id in contacts.values_list("wa_id", flat=True):
        # The raw payloads carry the number, the profile name and the words: blank every one of theirs.
        InboundWhatsApp.objects.filter(raw__contains=f'"{wa_id}"').update(raw=ERASED)
    OutboundWhatsApp.objects.filter(message__ticket__customer_id=customer.pk).update(to="", params=[])
    Message.objects.filter(ticket__customer_id=customer.pk, channel="whatsapp").update(data={})
    contacts.delete()


def move_contacts(source, target) -> int:
    from postventa.messaging.whatsapp.models import WhatsAppContact

    return WhatsAppContact.objects.filter(customer=source).update(customer=target)
