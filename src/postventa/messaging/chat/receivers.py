"""How ticket messages reach the chat: live on the sockets, or by email once the visitor left.

- `publish` (a post_save signal, run after commit): every public message of a web_chat ticket
  goes to the ticket's socket group, whichever process wrote it (WSGI console reply, ASGI socket,
  worker). The channel layer carries it to the process holding the sockets.
- `deliver` (outbox receiver "chat.deliver"): an agent's reply on a chat whose visitor has left
  goes out by email (template "chat_followup") on the same ticket, once per message.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver as signal_receiver

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

log = logging.getLogger(__name__)


def _send(group: str, event: dict) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            async_to_sync(layer.group_send)(group, event)  # WSGI, worker, or a consumer's sync thread
        else:
            # Called from inside an event loop's own thread (a sync view under an async server, a
            # script): async_to_sync refuses to block it, so the send runs beside it.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(async_to_sync(layer.group_send), group, event).result(timeout=10)
    except Exception:  # noqa: BLE001 - the message is saved; a live push failing must not undo it
        log.exception("chat: could not publish to %s", group)


def publish_message(message) -> None:
    from postventa.messaging.chat.consumers import AGENTS_GROUP, ticket_group
    from postventa.messaging.chat.selectors import message_payload

    payload = message_payload(message)
    _send(ticket_group(message.ticket_id), {"type": "chat.message", "message": payload})
    _send(
        AGENTS_GROUP,
        {"type": "chat.session", "session": {"ticket": message.ticket_id, "from": payload["from"]}},
    )


@signal_receiver(post_save, sender="helpdesk.Message", dispatch_uid="chat.publish")
def publish(sender, instance, created, **kwargs):
    if not created or instance.kind != "public_reply":
        return
    if instance.ticket.channel != "web_chat" and instance.channel != "web_chat":
        return
    transaction.on_commit(lambda: publish_message(instance))


@receiver("ticket.message_added", key="chat.deliver")
# Outside the outbox transaction: the follow-up email is sent by notify_customer (its own record).
@non_atomic
def deliver(event: Event) -> None:
    payload = event.payload
    if payload.get("direction") != "outbound" or payload.get("kind") != "public_reply":
        return
    if payload.get("message_channel") != "web_chat":
        return
    from postventa.helpdesk.models import Message
    from postventa.messaging.chat import services
    from postventa.messaging.chat.models import ChatSession

    message = (
        Message.objects.select_related("ticket__customer", "author_user")
        .filter(pk=payload.get("message_id"))
        .first()
    )
    if message is None:
        return
    session = ChatSession.objects.filter(ticket_id=message.ticket_id).order_by("-last_seen_at", "-id").first()
    if session is not None and not services.session_left(session):
        # Live: the socket got it from `publish`; nothing more to send.
        Message.objects.filter(pk=message.pk).update(delivery_status=Message.Delivery.SENT)
        return
    if session is not None:
        services.session_end(session=session)
    services.follow_up(message)
