"""Draining the outbox: every receiver of every event runs until it has committed once."""

from __future__ import annotations

import datetime as dt
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from postventa.core.events import Event, Receiver, receivers_for
from postventa.core.models import OutboxEvent

log = logging.getLogger(__name__)

LOCK_SECONDS = 300


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at 1 hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def non_atomic(fn: Receiver) -> Receiver:
    """Mark a receiver to run outside the outbox's transaction.

    For receivers with an external side effect (an email, an HTTP call) that keep their own
    idempotency record: they commit that record before the side effect, which a surrounding
    transaction would prevent. The "done" mark is written after the receiver returns.
    """
    fn.outbox_atomic = False  # type: ignore[attr-defined]
    return fn


def _mark_done(row: OutboxEvent, key: str) -> None:
    fresh = OutboxEvent.objects.select_for_update().get(pk=row.pk)
    if key not in fresh.done_receivers:
        fresh.done_receivers = [*fresh.done_receivers, key]
        fresh.save(update_fields=["done_receivers"])
    row.done_receivers = fresh.done_receivers


def _claim(limit: int, now: dt.datetime) -> list[OutboxEvent]:
    with transaction.atomic():
        due = (
            OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("occurred_at")
        )
        if settings.IS_POSTGRES:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])
        if rows:
            OutboxEvent.objects.filter(pk__in=[r.pk for r in rows]).update(
                locked_until=now + dt.timedelta(seconds=LOCK_SECONDS)
            )
    return rows


def process_event(row: OutboxEvent, *, now: dt.datetime | None = None) -> bool:
    """Run the receivers that have not yet finished for this event. Returns True when all have."""
    now = now or timezone.now()
    event = Event.from_row(row)
    errors: list[str] = []
    for key, fn in receivers_for(row.type):
        if key in row.done_receivers:
            continue
        try:
            if getattr(fn, "outbox_atomic", True):
                with transaction.atomic():
                    fn(event)
                    # Mark done in the receiver's own transaction: its effects and this mark commit
                    # together, so a crash in between re-runs nothing that already happened.
                    _mark_done(row, key)
            else:
                fn(event)
                with transaction.atomic():
                    _mark_done(row, key)
        except Exception as exc:  # noqa: BLE001 - a receiver failure must not stop the others
            log.warning("outbox receiver %s failed for %s %s: %s", key, row.type, row.id, exc)
            errors.append(f"{key}: {exc}\n{traceback.format_exc(limit=5)}")
    row.attempts += 1
    row.locked_until = None
    if errors:
        row.last_error = "\n".join(errors)[:10000]
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            row.status = OutboxEvent.Status.FAILED
        else:
            row.next_attempt_at = now + backoff(row.attempts)
    else:
        row.status = OutboxEvent.Status.DONE
        row.processed_at = now
        row.last_error = ""
    row.save(
        update_fields=["attempts", "locked_until", "last_error", "status", "next_attempt_at", "processed_at"]
    )
    return not errors


def drain(*, now: dt.datetime | None = None, limit: int = 200, max_batches: int = 50) -> int:
    """Process due events until none are left (bounded). Returns how many events were handled."""
    handled = 0
    for _ in range(max_batches):
        batch = _claim(limit, now or timezone.now())
        if not batch:
            break
        for row in batch:
            process_event(row, now=now)
            handled += 1
    return handled


def retry_failed(*, event_ids: list[str] | None = None) -> int:
    """Put dead-lettered events back in the queue (admin action)."""
    qs = OutboxEvent.objects.filter(status=OutboxEvent.Status.FAILED)
    if event_ids:
        qs = qs.filter(pk__in=event_ids)
    return qs.update(status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
