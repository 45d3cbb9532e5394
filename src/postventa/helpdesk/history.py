"""Shared steps of every ticket write: numbering, history rows, audit, events, timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection

from postventa.core import audit
from postventa.core.events import EVENT_TYPES, emit
from postventa.helpdesk.models import Message, Ticket, TicketChange, TicketSequence, TicketThreadKey

FIRST_NUMBER = 1001

# Events queued by `collect_events()` instead of one outbox INSERT each (bulk channel ingest).
_COLLECTING: ContextVar[list[dict[str, Any]] | None] = ContextVar("helpdesk_collected_events", default=None)


@contextmanager
def collect_events() -> Iterator[list[dict[str, Any]]]:
    """Inside the block, ticket events are queued in the yielded list instead of written.

    The caller writes them with postventa.core.events.emit_many in the SAME transaction (one
    INSERT and one worker wake-up for a whole IMAP batch), or drops them if it rolls the
    writes back. The events and their payloads are exactly those emit() would have written.
    """
    token = _COLLECTING.set([])
    try:
        yield _COLLECTING.get()
    finally:
        _COLLECTING.reset(token)


def _emit(event_type: str, *, payload: dict[str, Any], customer_id: int | None, actor_id: int | None) -> None:
    queue = _COLLECTING.get()
    if queue is None:
        emit(event_type, payload=payload, customer_id=customer_id, actor_id=actor_id)
        return
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}: register it in its app's ready()")
    queue.append({"type": event_type, "payload": payload, "customer_id": customer_id, "actor_id": actor_id})


def next_number() -> int:
    """The next human ticket number, under a row lock so concurrent creates never share one."""
    # One statement: the UPDATE takes the row lock (held until commit) and returns the new value.
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 WHERE name = %s RETURNING last_value",  # noqa: S608
            ["ticket"],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    seq, _created = TicketSequence.objects.select_for_update().get_or_create(
        name="ticket", defaults={"last_value": FIRST_NUMBER - 1}
    )
    # The row is locked until commit, so incrementing in Python is safe (and one query fewer).
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return int(seq.last_value)


def _label(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)[:2000]


def actor_label(user) -> str:
    if user is None:
        return "system"
    return (user.get_full_name() or user.get_username())[:200]


def record_changes(
    ticket: Ticket, changes: dict[str, tuple[Any, Any]], *, actor, now: dt.datetime, action: str = "ticket.updated"
) -> None:
    """One TicketChange per field plus one audit row for staff actions."""
    if not changes:
        return
    TicketChange.objects.bulk_create(
        [
            TicketChange(
                ticket=ticket,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label=actor_label(actor),
                field=field,
                old_value=_label(old),
                new_value=_label(new),
                created_at=now,
            )
            for field, (old, new) in changes.items()
        ]
    )
    if actor is not None:
        audit.record(
            actor=actor,
            action=action,
            target=ticket,
            changes={field: [_label(old), _label(new)] for field, (old, new) in changes.items()},
        )


def ticket_payload(ticket: Ticket, **extra: Any) -> dict[str, Any]:
    return {
        "ticket_id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "customer_id": ticket.customer_id,
        **extra,
    }


def emit_ticket(event_type: str, ticket: Ticket, *, actor=None, **extra: Any) -> None:
    _emit(
        event_type,
        payload=ticket_payload(ticket, **extra),
        customer_id=ticket.customer_id,
        actor_id=getattr(actor, "pk", None),
    )


def emit_message(ticket: Ticket, message: Message, *, actor=None, **extra: Any) -> None:
    """ticket.message_added: what channels listen to, to deliver outbound public replies."""
    emit_ticket(
        "ticket.message_added",
        ticket,
        actor=actor,
        message_id=message.pk,
        kind=message.kind,
        direction=message.direction,
        message_channel=message.channel,
        author_user_id=message.author_user_id,
        author_customer_id=message.author_customer_id,
        **extra,
    )


def add_thread_keys(ticket: Ticket, channel: str, keys) -> None:
    """Remember external keys of this conversation; a key already on a ticket keeps its ticket."""
    clean = sorted({(k or "").strip()[:300] for k in keys if (k or "").strip()})
    if not clean:
        return
    # The (channel, key) unique constraint keeps the first owner: conflicts are skipped in SQL.
    TicketThreadKey.objects.bulk_create(
        [TicketThreadKey(ticket=ticket, channel=channel, key=k) for k in clean], ignore_conflicts=True
    )
