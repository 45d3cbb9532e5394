"""Worker jobs of payment plans: thin wrappers over services, with an injectable `now`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from postventa.aftercare.payment_plans import services


def run_daily(now=None) -> dict[str, int]:
    """Mark overdue instalments, then send due-date reminders."""
    return {"overdue": services.mark_overdue(now=now), "reminders": services.send_reminders(now=now)}


@db_periodic_task(crontab(minute="15"))
def payment_plans_hourly() -> dict[str, int]:
    # Hourly, so each customer's morning comes round in their own zone; both steps are idempotent.
    return run_daily()
