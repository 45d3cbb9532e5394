"""Worker jobs of the shared kernel. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postventa.core import outbox, webhooks


@db_task()
def drain_outbox() -> int:
    return outbox.drain()


@db_periodic_task(crontab(minute="*"))
def drain_outbox_periodically() -> int:
    # Picks up retries whose backoff has passed and anything a lost wake-up left behind.
    return outbox.drain()


@db_task()
def deliver_webhooks() -> int:
    return webhooks.deliver_due()


@db_periodic_task(crontab(minute="*"))
def deliver_webhooks_periodically() -> int:
    return webhooks.deliver_due()


def wake_outbox() -> None:
    drain_outbox()
