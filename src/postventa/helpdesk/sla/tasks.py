"""Worker jobs of the SLA module. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from postventa.helpdesk.sla import services


@db_periodic_task(crontab(minute="*"))
def sla_check_periodically() -> dict[str, int]:
    # Warnings before breach and escalation at breach, each once per clock (and cycle).
    return services.sla_check()
