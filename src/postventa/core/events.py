"""Domain events: written to the outbox with the rows they describe, delivered by the worker.

    emit("order.status_changed", payload={...}, customer_id=order.customer_id)

Receivers register by event type (or "*") with a stable key; the key is how the outbox remembers
that a receiver has already committed its effects for an event, which makes retries safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from postventa.core.models import OutboxEvent


@dataclasses.dataclass(frozen=True)
class Event:
    id: uuid.UUID
    type: str
    payload: dict[str, Any]
    customer_id: int | None
    actor_id: int | None
    occurred_at: dt.datetime

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Event:
        return cls(row.id, row.type, row.payload, row.customer_id, row.actor_id, row.occurred_at)


Receiver = Callable[[Event], None]

# event type -> human description (shown when choosing webhook events)
EVENT_TYPES: dict[str, str] = {}
# receiver key -> (event types, function)
_RECEIVERS: dict[str, tuple[frozenset[str], Receiver]] = {}


def register_event_type(event_type: str, description: str) -> None:
    EVENT_TYPES[event_type] = description


def receiver(*event_types: str, key: str) -> Callable[[Receiver], Receiver]:
    """Register `fn` for the given event types ("*" = all). `key` must never change once deployed."""

    def decorate(fn: Receiver) -> Receiver:
        if key in _RECEIVERS and _RECEIVERS[key][1] is not fn:
            raise ValueError(f"outbox receiver key {key!r} registered twice")
        _RECEIVERS[key] = (frozenset(event_types), fn)
        return fn

    return decorate


def receivers_for(event_type: str) -> list[tuple[str, Receiver]]:
    return [
        (key, fn) for key, (types, fn) in sorted(_RECEIVERS.items()) if "*" in types or event_type in types
    ]


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def emit(
    event_type: str,
    *,
    payload: dict[str, Any],
    customer_id: int | None = None,
    actor_id: int | None = None,
) -> OutboxEvent:
    """Write an event to the outbox. Call inside the service's transaction."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}: register it in its app's ready()")
    row = OutboxEvent.objects.create(
        type=event_type, payload=_jsonable(payload), customer_id=customer_id, actor_id=actor_id
    )
    transaction.on_commit(_wake_worker)
    return row


def emit_many(events: list[dict[str, Any]]) -> int:
    """Write many events at once (bulk imports): each dict has type, payload and customer_id.

    Same rows and the same single wake-up as calling emit() for each, in a few statements.
    """
    from postventa.core.bulk import fast_insert

    rows = []
    for event in events:
        if event["type"] not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event['type']!r}: register it in its app's ready()")
        rows.append(
            {
                "type": event["type"],
                "payload": _jsonable(event["payload"]),
                "customer_id": event.get("customer_id"),
                "actor_id": event.get("actor_id"),
            }
        )
    fast_insert(OutboxEvent, rows)
    if rows:
        transaction.on_commit(_wake_worker)
    return len(rows)


def _wake_worker() -> None:
    # Imported late: tasks import huey, which needs settings; emit() is called from everywhere.
    from postventa.core import tasks

    tasks.wake_outbox()
