"""The worker: Huey tasks go through the real queue storage (SQLite here, Redis under REDIS_URL)."""

from __future__ import annotations

import pytest
from django.conf import settings

from postventa.core.events import emit, register_event_type
from postventa.core.models import OutboxEvent

register_event_type("test.worker", "A test-only event for the worker")


@pytest.fixture
def queue():
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.mark.django_db(transaction=True)
def test_drain_outbox_runs_through_the_real_queue(queue):
    from postventa.core import tasks

    # given an event (its commit hook already enqueued a wake-up) and an explicit enqueue
    row = emit("test.worker", payload={"n": 1})
    assert queue.pending_count() >= 1
    queue.flush()
    tasks.drain_outbox()
    assert queue.pending_count() == 1

    # when the worker takes the job off the queue and runs it
    task = queue.dequeue()
    assert task.name.endswith("drain_outbox")
    result = queue.execute(task)

    # then
    assert result == 1
    row.refresh_from_db()
    assert row.status == OutboxEvent.Status.DONE
    assert queue.pending_count() == 0


def test_queue_storage_follows_settings():
    from huey.contrib.djhuey import HUEY

    if settings.REDIS_URL:
        assert type(HUEY).__name__ == "RedisHuey"
    else:
        assert type(HUEY).__name__ == "SqliteHuey"
        # tests never share the real queue file under var/
        assert "postventa-huey-test" in str(HUEY.storage.filename) or settings.HUEY["filename"] != str(
            settings.VAR_DIR / "huey.sqlite3"
        )


def test_periodic_jobs_are_registered():
    from huey.contrib.djhuey import HUEY

    import postventa.core.tasks  # noqa: F401
    import postventa.notifications.tasks  # noqa: F401

    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert any(name.endswith("drain_outbox_periodically") for name in names)
    assert any(name.endswith("deliver_webhooks_periodically") for name in names)
    assert any(name.endswith("send_due_notifications") for name in names)
