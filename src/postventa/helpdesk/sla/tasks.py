"""Worker jobs of the SLA module. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postventa.helpdesk.sla import services


@db_periodic_task(crontab(minute="*"))
def sla_check_periodically() -> dict[str, int]:
    # Warnings before breach and escalation at breach, each once per clock (and cycle).
    return services.sla_check()


@db_task()
def reapply_unsolved() -> int:
    # After a policy is saved or deleted: open tickets get the new targets without waiting for an event.
    return services.sla_reapply_unsolved()
