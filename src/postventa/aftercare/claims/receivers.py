"""Outbox receivers: email the customer at each step, and follow the remedy in other apps.

Keys never change once deployed. Notifications are keyed by event id, so a retried event
sends nothing twice; the status receivers only move a claim that is still waiting for that step.
"""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

# event type -> notification template
TEMPLATES = {
    "claim.submitted": "claim_received",
    "claim.remedy_chosen": "claim_approved",
    "claim.rejected": "claim_rejected",
    "claim.resolved": "claim_resolved",
}


@receiver(*TEMPLATES, key="claims.notify_customer")
# Outside the outbox transaction: the notification row commits before the SMTP send.
@non_atomic
def notify(event: Event) -> None:
    from postventa.aftercare.claims.notify import notify_claim_step

    notify_claim_step(event.type, TEMPLATES[event.type], event.payload, event_id=str(event.id))


def _repair_ids(payload: dict) -> tuple[int | None, int | None]:
    repair_id = payload.get("repair_id") or payload.get("repair_order_id") or payload.get("id")
    return payload.get("claim_id"), repair_id


@receiver("repair.completed", key="claims.repair_completed")
def repair_completed(event: Event) -> None:
    from postventa.aftercare.claims.services import on_repair_completed

    claim_id, repair_id = _repair_ids(event.payload)
    on_repair_completed(claim_id=claim_id, repair_id=repair_id)


@receiver("repair.closed", key="claims.repair_closed")
def repair_closed(event: Event) -> None:
    from postventa.aftercare.claims.services import on_repair_closed

    claim_id, repair_id = _repair_ids(event.payload)
    on_repair_closed(claim_id=claim_id, repair_id=repair_id)


@receiver("order.status_changed", key="claims.replacement_delivered")
def replacement_delivered(event: Event) -> None:
    if event.payload.get("to") != "delivered":
        return
    from postventa.aftercare.claims.services import on_replacement_delivered

    on_replacement_delivered(order_id=event.payload.get("order_id"))
