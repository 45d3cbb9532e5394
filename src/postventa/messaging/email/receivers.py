"""The outbox receiver that emails agents' public replies to customers."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

# Message channels whose outbound replies this app sends by email. Web form tickets have no
# channel of their own to answer on: the customer gave an email address, so they get email.
DELIVERED_CHANNELS = ("email", "web_form")


@receiver("ticket.message_added", key="mail.deliver")
# Outside the outbox transaction: the OutboundEmail row must commit before the SMTP send.
@non_atomic
def deliver_reply(event: Event) -> None:
    payload = event.payload
    if payload.get("direction") != "outbound" or payload.get("kind") != "public_reply":
        return
    if payload.get("message_channel") not in DELIVERED_CHANNELS:
        return
    from postventa.messaging.email.outbound import deliver

    deliver(int(payload["message_id"]))
