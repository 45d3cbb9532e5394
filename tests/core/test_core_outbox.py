"""Outbox drain semantics: retries, finished receivers not re-run, dead letters, retry_failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from postventa.core import outbox
from postventa.core.events import emit, receiver, register_event_type
from postventa.core.models import OutboxEvent

pytestmark = pytest.mark.django_db

register_event_type("test.outbox", "A test-only event for the outbox")

CALLS: dict[str, list[str]] = {"steady": [], "flaky": [], "loose": []}
FAIL: dict[str, int] = {"flaky": 0}


@pytest.fixture(autouse=True)
def _reset():
    for calls in CALLS.values():
        calls.clear()
    FAIL["flaky"] = 0


@receiver("test.outbox", key="tests.steady")
def steady(event):
    CALLS["steady"].append(str(event.id))


@receiver("test.outbox", key="tests.flaky")
def flaky(event):
    CALLS["flaky"].append(str(event.id))
    if FAIL["flaky"] > 0:
        FAIL["flaky"] -= 1
        raise RuntimeError("downstream is down")


@receiver("test.outbox", key="tests.loose")
@outbox.non_atomic
def loose(event):
    CALLS["loose"].append(str(event.id))


def test_all_receivers_run_once_and_event_is_done(drain_outbox):
    row = emit("test.outbox", payload={"n": 1})

    assert drain_outbox() == 1
    assert drain_outbox() == 0

    row.refresh_from_db()
    assert row.status == OutboxEvent.Status.DONE
    assert set(row.done_receivers) >= {"tests.steady", "tests.flaky", "tests.loose", "core.webhooks"}
    assert {"steady": [str(row.id)], "flaky": [str(row.id)], "loose": [str(row.id)]} == CALLS


def test_failing_receiver_is_retried_alone_after_backoff():
    FAIL["flaky"] = 1
    row = emit("test.outbox", payload={})
    t0 = timezone.now()

    outbox.drain(now=t0)
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.attempts == 1
    assert "downstream is down" in row.last_error
    assert row.next_attempt_at == t0 + dt.timedelta(seconds=30)
    assert "tests.flaky" not in row.done_receivers and "tests.steady" in row.done_receivers

    assert outbox.drain(now=t0 + dt.timedelta(seconds=10)) == 0  # not due yet
    assert outbox.drain(now=t0 + dt.timedelta(seconds=31)) == 1

    row.refresh_from_db()
    assert row.status == "done"
    assert row.last_error == ""
    assert len(CALLS["steady"]) == 1  # finished receivers are not re-run
    assert len(CALLS["loose"]) == 1
    assert len(CALLS["flaky"]) == 2


def test_dead_letter_after_max_attempts_then_retry_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    FAIL["flaky"] = 5
    row = emit("test.outbox", payload={})
    t0 = timezone.now()

    outbox.drain(now=t0)
    outbox.drain(now=t0 + dt.timedelta(minutes=5))
    row.refresh_from_db()
    assert row.status == OutboxEvent.Status.FAILED
    assert row.attempts == 2
    assert outbox.drain(now=t0 + dt.timedelta(days=1)) == 0  # dead letters stay put

    FAIL["flaky"] = 0
    assert outbox.retry_failed(event_ids=[str(row.id)]) == 1
    assert outbox.drain() == 1
    row.refresh_from_db()
    assert row.status == "done"
    assert len(CALLS["flaky"]) == 3
    assert len(CALLS["steady"]) == 1


def test_receiver_effects_roll_back_with_its_failure():
    from postventa.core.models import AuditEntry

    @receiver("test.outbox", key="tests.partial")
    def partial(event):
        AuditEntry.objects.create(action="partial.write")
        raise ValueError("after writing")

    try:
        row = emit("test.outbox", payload={})
        outbox.drain()
        row.refresh_from_db()
        assert row.status == "pending"
        assert not AuditEntry.objects.filter(action="partial.write").exists()
    finally:
        from postventa.core import events

        events._RECEIVERS.pop("tests.partial", None)
