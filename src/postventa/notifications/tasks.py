"""Worker jobs of notifications. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from postventa.notifications import services


@db_periodic_task(crontab(minute="*"))
def send_due_notifications() -> int:
    # Deferred messages whose quiet hours ended, and failed ones whose retry time has come.
    return services.send_due()
