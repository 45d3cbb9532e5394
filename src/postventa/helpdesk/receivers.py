"""Outbox receivers of the helpdesk: the acknowledgement, interim email delivery of replies, merges.

`helpdesk.email_reply` is a stand-in until the messaging app delivers replies with proper
threading headers: it sends through notify_customer, with the "[#number]" token in the
subject. A channel that delivers its own replies calls `claim_delivery(channel)` from its
AppConfig.ready(); this receiver then leaves those messages alone.
"""

from __future__ import annotations

from django.db import transaction

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

# Channels whose outbound replies another app delivers (e.g. {"web_chat", "whatsapp", "email"}).
CLAIMED_CHANNELS: set[str] = set()


def claim_delivery(channel: str) -> None:
    CLAIMED_CHANNELS.add(channel)


def _ticket(ticket_id):
    from postventa.helpdesk.models import Ticket

    return Ticket.objects.select_related("customer").filter(pk=ticket_id).first()


@receiver("ticket.created", key="helpdesk.ack")
# Outside the outbox transaction: the notification row commits before the SMTP send.
@non_atomic
def acknowledge(event: Event) -> None:
    if not event.payload.get("acknowledge"):
        return
    from postventa.notifications.services import notify_customer

    ticket = _ticket(event.payload.get("ticket_id"))
    if ticket is None or ticket.customer.erased_at:
        return
    notify_customer(
        customer=ticket.customer,
        template="ticket_ack",
        context={
            "first_name": ticket.customer.first_name,
            "ticket_number": ticket.number,
            "ticket_token": ticket.token,
            "subject": ticket.subject,
        },
        idempotency_key=f"ticket-ack:{ticket.pk}",
        related=ticket,
    )


@receiver("ticket.message_added", key="helpdesk.email_reply")
@non_atomic
def email_reply(event: Event) -> None:
    payload = event.payload
    if payload.get("direction") != "outbound" or payload.get("kind") != "public_reply":
        return
    if payload.get("message_channel") in CLAIMED_CHANNELS:
        return
    from postventa.helpdesk.models import Message, TicketThreadKey
    from postventa.notifications.models import Notification
    from postventa.notifications.services import NotificationNotSent, notify_customer

    message = Message.objects.select_related("ticket__customer", "author_user").filter(pk=payload.get("message_id")).first()
    if message is None:
        return
    ticket = message.ticket
    attachments = list(message.attachments.all())
    try:
        notification = notify_customer(
            customer=ticket.customer,
            template="ticket_reply",
            context={
                "first_name": ticket.customer.first_name,
                "ticket_number": ticket.number,
                "ticket_token": ticket.token,
                "subject": ticket.subject,
                "body": message.body_text,
                "agent_name": message.author_user.get_full_name() or message.author_user.get_username()
                if message.author_user
                else "",
                "attachment_names": [a.filename for a in attachments],
            },
            idempotency_key=f"ticket-reply:{message.id}",
            related=ticket,
        )
    except NotificationNotSent as exc:
        Message.objects.filter(pk=message.pk).update(delivery_status=Message.Delivery.FAILED, last_error=str(exc)[:2000])
        raise
    sent = notification.status == Notification.Status.SENT
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            delivery_status=Message.Delivery.SENT if sent else Message.Delivery.FAILED,
            last_error="" if sent else (notification.last_error or notification.status)[:2000],
            external_id=message.external_id or notification.message_id,
        )
        if notification.message_id:
            # The customer's answer quotes this Message-ID (In-Reply-To): it finds the ticket.
            TicketThreadKey.objects.get_or_create(
                channel="email", key=notification.message_id[:300], defaults={"ticket": ticket}
            )


@receiver("ticket.merged", key="helpdesk.notify_merged")
@non_atomic
def notify_merged(event: Event) -> None:
    from postventa.notifications.services import notify_customer

    ticket = _ticket(event.payload.get("ticket_id"))
    if ticket is None or ticket.customer.erased_at:
        return
    notify_customer(
        customer=ticket.customer,
        template="ticket_merged",
        context={
            "first_name": ticket.customer.first_name,
            "ticket_number": ticket.number,
            "ticket_token": ticket.token,
            "source_number": event.payload.get("source_number"),
            "subject": ticket.subject,
        },
        idempotency_key=f"ticket-merged:{event.id}",
        related=ticket,
    )
