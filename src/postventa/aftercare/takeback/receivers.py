"""Outbox receivers of take-back: tell the customer at every step."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic


@receiver("takeback.requested", "takeback.status_changed", key="takeback.notify_customer")
@non_atomic
def notify_step(event: Event) -> None:
    from django.utils import translation

    from postventa.aftercare.takeback.models import TakebackRequest, TakebackStatus
    from postventa.aftercare.takeback.selectors import instruction_for_category
    from postventa.notifications import rendering
    from postventa.notifications.services import notify_customer

    req = (
        TakebackRequest.objects.select_related("customer", "asset__product")
        .filter(pk=event.payload.get("request_id"))
        .first()
    )
    if req is None or req.customer.erased_at:
        return
    status = event.payload.get("to") or req.status
    instruction = instruction_for_category(req.category_id)
    with translation.override(rendering.language_for(req.customer)):
        context = {
            "first_name": req.customer.first_name,
            "number": req.number,
            "item": req.item_label,
            "method": req.method,
            "status": status,
            "status_label": str(TakebackStatus(status).label) if status in TakebackStatus.values else status,
            "scheduled_for": req.scheduled_for,
            "note": event.payload.get("note", ""),
            "certificate_number": req.certificate_number if status == "closed" else "",
            "instructions": instruction.instructions if instruction else "",
        }
    notify_customer(
        customer=req.customer,
        template="takeback_status",
        context=context,
        idempotency_key=f"takeback:{event.id}",
        related=req,
    )
