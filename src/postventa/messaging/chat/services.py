"""Every write of the live chat: sessions, visitor messages, the offline form, widget settings.

The consumers (sockets) and console views stay thin and call these. A visitor's message goes
through helpdesk.services.receive_message, so the chat IS a ticket (channel web_chat).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.permissions import require
from postventa.messaging.chat.models import ChatSession, WidgetConfig, hash_token, origin_of

# A visitor whose sockets have all been gone this long has left: the session ends and agent
# replies continue by email.
LEAVE_AFTER = dt.timedelta(minutes=2)
MAX_TEXT = 4000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def widget_by_key(key: str) -> WidgetConfig:
    widget = WidgetConfig.objects.filter(key=(key or "")[:40], is_active=True).first()
    if widget is None:
        raise NotFound(_("This chat widget does not exist."), code="widget_missing")
    return widget


@transaction.atomic
def session_start(
    *,
    widget: WidgetConfig,
    token: str = "",
    page_url: str = "",
    user_agent: str = "",
    language: str = "es",
    now: dt.datetime | None = None,
) -> tuple[ChatSession, str]:
    """The visitor's session for `token` (reconnect), or a new one with a fresh token: (session, token).

    An ended session is not resumed: a returning visitor starts a new session (same customer, and
    the ticket is found again by receive_message's reopen rules when they write).
    """
    now = now or timezone.now()
    language = "en" if (language or "").lower().startswith("en") else "es"
    page_url = page_url if origin_of(page_url) else ""
    if token:
        session = (
            ChatSession.objects.select_for_update(of=("self",)).select_related("customer", "ticket")
            .filter(widget=widget, token_hash=hash_token(token)).first()
        )  # fmt: skip
        if session is not None and session.is_open:
            session.last_seen_at = now
            session.connections = F("connections") + 1
            if page_url:
                session.page_url = page_url[:500]
            session.save(update_fields=["last_seen_at", "connections", "page_url", "updated_at"])
            session.refresh_from_db(fields=["connections"])
            return session, token
        if session is not None:
            # Keep who they are: the same browser need not type its name again.
            customer = session.customer
            session.token_hash = hash_token(secrets.token_urlsafe(24))  # retire the old token
            session.save(update_fields=["token_hash", "updated_at"])
        else:
            customer = None
    else:
        customer = None
    token = secrets.token_urlsafe(24)
    session = ChatSession.objects.create(
        widget=widget, token_hash=hash_token(token), customer=customer, language=language,
        last_seen_at=now, connections=1, page_url=page_url[:500], user_agent=(user_agent or "")[:300],
    )  # fmt: skip
    return session, token


def _clean_identity(name: str, email: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())[:120]
    email = (email or "").strip()[:254]
    if not name:
        raise ValidationFailed(_("Tell us your name."), code="name_missing")
    if not EMAIL_RE.match(email):
        raise ValidationFailed(_("Enter a valid email address."), code="email_invalid")
    first, _sep, last = name.partition(" ")
    return first, last, email


@transaction.atomic
def session_identify(*, session: ChatSession, name: str, email: str) -> ChatSession:
    """Attach the visitor to a customer (found by email, or created)."""
    from postventa.customers.services import customer_identify

    first, last, email = _clean_identity(name, email)
    customer, _created = customer_identify(
        email=email, first_name=first, last_name=last, language=session.language
    )
    ChatSession.objects.filter(pk=session.pk).update(customer=customer, updated_at=timezone.now())
    session.customer = customer
    return session


@transaction.atomic
def visitor_message(*, session: ChatSession, text: str, now: dt.datetime | None = None):
    """The visitor wrote: a ticket message (the first one opens the ticket). -> helpdesk Message."""
    from postventa.helpdesk.services import receive_message

    now = now or timezone.now()
    if not session.is_open:
        raise ValidationFailed(_("This chat has ended."), code="session_ended")
    if session.customer_id is None:
        raise ValidationFailed(_("Tell us your name and email first."), code="identify")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("The message is empty."), code="body_missing")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("The message is too long."), code="body_too_long")
    ticket, message, _created = receive_message(
        customer=session.customer, channel="web_chat", body_text=text, thread_keys=[session.thread_key],
        ticket=session.ticket, data={"chat_session": session.pk, "page": session.page_url}, now=now,
        acknowledge=False,  # the visitor is in the chat: no "we got your request" email
    )  # fmt: skip
    ChatSession.objects.filter(pk=session.pk).update(ticket=ticket, last_seen_at=now, updated_at=now)
    session.ticket = ticket
    return message


def session_seen(*, session_id: int, connected: int = 0, now: dt.datetime | None = None) -> None:
    """A heartbeat (connected=0), a new socket (+1) or a closed one (-1)."""
    now = now or timezone.now()
    changes: dict[str, Any] = {"last_seen_at": now}
    if connected:
        changes["connections"] = F("connections") + connected
    ChatSession.objects.filter(pk=session_id, status=ChatSession.Status.OPEN).update(**changes)


def session_left(session: ChatSession, now: dt.datetime | None = None) -> bool:
    """Has the visitor gone (no live socket, or silent past LEAVE_AFTER)?"""
    now = now or timezone.now()
    if not session.is_open:
        return True
    return session.last_seen_at < now - LEAVE_AFTER and (
        session.connections <= 0 or session.last_seen_at < now - 2 * LEAVE_AFTER
    )


def session_end(*, session: ChatSession, now: dt.datetime | None = None) -> bool:
    """End an open session; False when it had already ended."""
    now = now or timezone.now()
    done = ChatSession.objects.filter(pk=session.pk, status=ChatSession.Status.OPEN).update(
        status=ChatSession.Status.ENDED, ended_at=now, updated_at=now
    )
    session.status = ChatSession.Status.ENDED
    return bool(done)


def end_idle_sessions(*, now: dt.datetime | None = None) -> int:
    """End every open session whose visitor has left, emailing replies they missed (periodic)."""
    now = now or timezone.now()
    ended = 0
    stale = ChatSession.objects.filter(status=ChatSession.Status.OPEN, last_seen_at__lt=now - LEAVE_AFTER)
    for session in stale:
        if session_left(session, now) and session_end(session=session, now=now):
            ended += 1
            follow_up_unseen(session)
    return ended


def mark_read(*, session_id: int, now: dt.datetime | None = None) -> None:
    ChatSession.objects.filter(pk=session_id).update(agent_read_at=now or timezone.now())


@transaction.atomic
def offline_message(
    *, widget: WidgetConfig, name: str, email: str, text: str, language: str = "es", page_url: str = ""
):
    """The offline form (nobody available or out of hours): a ticket the team answers by email."""
    from postventa.customers.services import customer_identify
    from postventa.helpdesk.services import receive_message

    if not widget.offline_form_enabled:
        raise ValidationFailed(_("This form is closed."), code="offline_disabled")
    first, last, email = _clean_identity(name, email)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("The message is empty."), code="body_missing")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("The message is too long."), code="body_too_long")
    language = "en" if (language or "").lower().startswith("en") else "es"
    customer, _created = customer_identify(email=email, first_name=first, last_name=last, language=language)
    ticket, message, _c = receive_message(
        customer=customer, channel="web_form", body_text=text,
        data={"chat_widget": widget.pk, "page": page_url if origin_of(page_url) else ""},
    )  # fmt: skip
    return message


def _clean_widget(data: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(data.get("name") or "").split())[:120]
    if not name:
        raise ValidationFailed(_("Give the widget a name."), code="name_missing")
    origins = data.get("allowed_origins") or []
    if isinstance(origins, str):
        origins = origins.split()
    clean_origins = []
    for item in origins:
        origin = origin_of(str(item))
        if not origin:
            raise ValidationFailed(
                _("%(value)s is not a site address (https://shop.example.com).") % {"value": str(item)[:100]},
                code="origin_invalid",
            )
        if origin not in clean_origins:
            clean_origins.append(origin)
    colour = str(data.get("colour") or "#1f6feb")
    if not COLOUR_RE.match(colour):
        raise ValidationFailed(_("The colour must look like #1f6feb."), code="colour_invalid")
    return {
        "name": name,
        "allowed_origins": clean_origins,
        "greeting_es": str(data.get("greeting_es") or "")[:300],
        "greeting_en": str(data.get("greeting_en") or "")[:300],
        "colour": colour.lower(),
        "offline_form_enabled": bool(data.get("offline_form_enabled")),
        "is_active": bool(data.get("is_active", True)),
        "calendar_id": data.get("calendar_id") or None,
    }


@transaction.atomic
def widget_save(
    *, acting_user, data: dict[str, Any], widget: WidgetConfig | None = None, team_ids=()
) -> WidgetConfig:
    """Create or edit a chat widget (tickets.manage: supervisors and admins)."""
    require(acting_user, "tickets.manage")
    fields = _clean_widget(data)
    creating = widget is None
    widget = widget or WidgetConfig()
    for name, value in fields.items():
        setattr(widget, name, value)
    widget.save()
    widget.teams.set([int(t) for t in team_ids])
    audit.record(
        actor=acting_user, action="chat.widget_created" if creating else "chat.widget_updated",
        target=widget, changes={"name": widget.name, "origins": widget.allowed_origins},
    )  # fmt: skip
    return widget


def follow_up(message) -> None:
    """Email an agent's chat reply to a visitor who has left (once per message), on the same ticket.

    Network I/O: call outside a transaction (the outbox receiver is non-atomic).
    """
    from postventa.helpdesk.models import Message
    from postventa.notifications.models import Notification
    from postventa.notifications.services import NotificationNotSent, notify_customer

    ticket = message.ticket
    customer = ticket.customer
    if customer.erased_at or not (customer.email or "").strip():
        Message.objects.filter(pk=message.pk).update(
            delivery_status=Message.Delivery.FAILED, last_error="the visitor left and has no email address"
        )
        return
    try:
        notification = notify_customer(
            customer=customer,
            template="chat_followup",
            context={
                "first_name": customer.first_name,
                "ticket_number": ticket.number,
                "ticket_token": ticket.token,
                "subject": ticket.subject,
                "body": message.body_text,
                "agent_name": (message.author_user.first_name or message.author_user.get_username())
                if message.author_user
                else "",
            },
            idempotency_key=f"chat-followup:{message.pk}",
            related=ticket,
        )
    except NotificationNotSent as exc:
        Message.objects.filter(pk=message.pk).update(
            delivery_status=Message.Delivery.FAILED, last_error=str(exc)[:2000]
        )
        raise
    sent = notification.status == Notification.Status.SENT
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            delivery_status=Message.Delivery.SENT if sent else Message.Delivery.FAILED,
            last_error="" if sent else (notification.last_error or notification.status)[:2000],
        )
        if notification.message_id:
            # The customer's answer by email quotes this Message-ID: it threads back to the ticket.
            from postventa.helpdesk.models import TicketThreadKey

            TicketThreadKey.objects.get_or_create(
                channel="email", key=notification.message_id[:300], defaults={"ticket": ticket}
            )


def follow_up_unseen(session: ChatSession) -> int:
    """After a session ends: email the agent replies written after the visitor was last seen."""
    from postventa.helpdesk.models import Message

    if session.ticket_id is None:
        return 0
    unseen = Message.objects.select_related("ticket__customer", "author_user").filter(
        ticket_id=session.ticket_id, kind=Message.Kind.PUBLIC_REPLY, direction=Message.Direction.OUTBOUND,
        created_at__gt=session.last_seen_at,
    )  # fmt: skip
    count = 0
    for message in unseen:
        follow_up(message)
        count += 1
    return count
