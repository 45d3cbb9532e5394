"""Worker jobs of the email channel. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postventa.messaging.email import imap, services


@db_task()
def process_inbound_task(raw_id: int) -> str:
    return services.process_inbound(raw_id)


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> int:
    return imap.poll_due()
