"""Worker jobs of the WhatsApp channel. Thin: each calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postventa.messaging.whatsapp import inbound


@db_task()
def process_inbound_task(inbound_id: int) -> str:
    """Process one webhook payload stored by the webhook (media downloads happen here)."""
    return inbound.process_stored(inbound_id)


@db_periodic_task(crontab(minute="*"))
def process_stale_inbound() -> int:
    """Payloads whose job was lost (queue down, worker killed) are processed after a few minutes."""
    return inbound.process_stale()
