"""Outbox receiver: agent public replies on WhatsApp tickets go out through the Cloud API."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic


@receiver("ticket.message_added", key="whatsapp.deliver")
# Outside the outbox transaction: OutboundWhatsApp commits before the HTTP call, so a retry
# after a crash sees it and never sends the same reply twice.
@non_atomic
def deliver_reply(event: Event) -> None:
    payload = event.payload
    if payload.get("direction") != "outbound" or payload.get("kind") != "public_reply":
        return
    if payload.get("message_channel") != "whatsapp":
        return
    from postventa.messaging.whatsapp.outbound import deliver

    deliver(int(payload["message_id"]))
