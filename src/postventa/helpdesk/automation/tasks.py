"""Worker jobs of helpdesk automation. Thin: each calls one engine function."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from postventa.helpdesk.automation import engine


@db_periodic_task(crontab(minute="*/5"))
def run_automations() -> int:
    # Time-based rules (close solved tickets, remind pending customers); each run is idempotent.
    return engine.run_automations()
