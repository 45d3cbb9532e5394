"""Worker jobs of maintenance. Thin: each calls one service and accepts an injectable `now`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postventa.aftercare.maintenance import notices, schedule, services


@db_task()
def schedule_reminders(now=None, product_ids=None) -> dict:
    return schedule.schedule_reminders(now=now, product_ids=product_ids)


@db_periodic_task(crontab(minute="20", hour="3"))
def schedule_reminders_daily() -> dict:
    # Rolls every asset's next due dates forward once a day (idempotent: existing rows stay).
    return schedule.schedule_reminders()


@db_task()
def send_due_reminders(now=None) -> dict:
    return services.reminders_send_due(now=now)


@db_periodic_task(crontab(minute="*/10"))
def send_due_reminders_periodically() -> dict:
    # Batches of 200; a reminder is sent at most once (idempotency key per reminder).
    return services.reminders_send_due()


@db_periodic_task(crontab(minute="*/10"))
def continue_owner_notices() -> int:
    # Deliveries held by the weekly cap, or left behind by a crash, are picked up again.
    return notices.notices_continue()
