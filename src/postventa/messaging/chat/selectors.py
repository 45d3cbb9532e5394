"""Reads of the live chat: is anyone there, the conversation so far, the live chats list."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from postventa.messaging.chat.models import ChatSession, WidgetConfig


def calendar_open(widget: WidgetConfig, now: dt.datetime | None = None) -> bool:
    if widget.calendar_id is None:
        return True
    from postventa.core.calendars import is_open

    try:
        return is_open(widget.calendar, now or timezone.now())
    except Exception:  # noqa: BLE001 - a calendar without hours must not break the widget: treat as closed
        return False


def agents_available(widget: WidgetConfig) -> bool:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, availability="available")
    team_ids = list(widget.teams.values_list("pk", flat=True))
    if team_ids:
        users = users.filter(teams__in=team_ids)
    return users.exists()


def widget_online(widget: WidgetConfig, now: dt.datetime | None = None) -> bool:
    """Chat live, or the offline form: someone available and inside business hours."""
    return calendar_open(widget, now) and agents_available(widget)


def history(session: ChatSession, limit: int = 100) -> list[dict]:
    """The public part of the session's ticket, oldest first, as the widget shows it."""
    if session.ticket_id is None:
        return []
    from postventa.helpdesk.models import Message

    rows = (
        Message.objects.filter(ticket_id=session.ticket_id, kind=Message.Kind.PUBLIC_REPLY)
        .select_related("author_user")
        .order_by("-created_at", "-id")[:limit]
    )
    return [message_payload(m) for m in reversed(list(rows))]


def message_payload(message) -> dict:
    """A ticket message as it travels on the sockets (to visitors and to agents)."""
    outbound = message.direction == "outbound"
    author = ""
    if outbound and message.author_user_id:
        author = message.author_user.first_name or message.author_user.get_username()
    return {
        "id": message.pk,
        "ticket": message.ticket_id,
        "text": message.body_text,
        "from": "agent" if outbound else "visitor",
        "author": author,
        "at": message.created_at.isoformat(),
    }


def live_sessions(user) -> QuerySet[ChatSession]:
    """Open sessions with a ticket the user may see, newest activity first, with unread counts."""
    from postventa.helpdesk.access import visible_tickets

    return (
        ChatSession.objects.filter(
            status=ChatSession.Status.OPEN, ticket__in=visible_tickets(user).values("pk")
        )
        .select_related("customer", "ticket", "widget")
        .annotate(
            unread=Count(
                "ticket__messages",
                filter=Q(ticket__messages__direction="inbound", ticket__messages__kind="public_reply")
                & (Q(agent_read_at__isnull=True) | Q(ticket__messages__created_at__gt=F("agent_read_at"))),
            )
        )
        .order_by("-last_seen_at", "-id")
    )
