"""Outbox receivers of maintenance: recompute reminders after a plan change, tell customers about
their visits, and send owner notices in the background."""

from __future__ import annotations

from django.utils import timezone

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic


@receiver("maintenance_plan.created", "maintenance_plan.updated", key="maintenance.reschedule_plan")
def reschedule_on_plan_change(event: Event) -> None:
    from postventa.aftercare.maintenance.services import reschedule_product

    product_id = event.payload.get("product_id")
    if product_id:
        # Rebuilt from the plan as it is now, so repeated or late events converge.
        reschedule_product(product_id=product_id, now=timezone.now())


@receiver("owner_notice.sent", key="maintenance.deliver_notice")
# Outside the outbox transaction: each notification row commits before its SMTP send.
@non_atomic
def deliver_notice(event: Event) -> None:
    from postventa.aftercare.maintenance.notices import notice_deliver

    notice_deliver(notice_id=event.payload["notice_id"])


@receiver(
    "service_visit.booked",
    "service_visit.confirmed",
    "service_visit.completed",
    "service_visit.cancelled",
    key="maintenance.notify_visit",
)
@non_atomic
def notify_visit(event: Event) -> None:
    from postventa.aftercare.maintenance.models import ServiceVisit
    from postventa.notifications import rendering
    from postventa.notifications.services import notify_customer

    visit = (
        ServiceVisit.objects.select_related("asset__product", "customer")
        .filter(pk=event.payload.get("visit_id"))
        .first()
    )
    if visit is None or visit.customer.erased_at:
        return
    from django.utils import translation

    language = rendering.language_for(visit.customer)
    with translation.override(language):
        context = {
            "first_name": visit.customer.first_name,
            "event": event.type.split(".", 1)[1],
            "product_name": visit.asset.product.name,
            "serial_number": visit.asset.serial_number,
            "preferred_date": visit.preferred_date,
            "slot_label": str(visit.get_slot_display()),
            "scheduled_for": visit.scheduled_for,
            "completed_on": visit.completed_on,
            "time_zone": visit.customer.time_zone,
        }
    notify_customer(
        customer=visit.customer,
        template="service_visit",
        context=context,
        idempotency_key=f"service-visit:{event.id}",
        related=visit,
    )
