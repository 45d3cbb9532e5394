"""Outbox receivers of payment plans: send the customer the plan's terms and schedule."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic


@receiver("payment_plan.created", key="payment_plans.notify_created")
@non_atomic
def notify_created(event: Event) -> None:
    from django.conf import settings
    from django.urls import reverse

    from postventa.aftercare.payment_plans import selectors
    from postventa.aftercare.payment_plans.models import PaymentPlan
    from postventa.core.money import format_money
    from postventa.notifications.rendering import language_for
    from postventa.notifications.services import notify_customer

    plan = PaymentPlan.objects.select_related("customer").filter(pk=event.payload.get("plan_id")).first()
    if plan is None or plan.customer.erased_at:
        return
    language = language_for(plan.customer)
    rows = selectors.instalments(plan)
    notify_customer(
        customer=plan.customer,
        template="payment_plan_created",
        context={
            "first_name": plan.customer.first_name,
            "plan_number": plan.number,
            "principal": format_money(plan.principal, plan.currency, language),
            "terms": selectors.terms_text(plan, rows, language=language),
            "rows": [
                {
                    "sequence": r.sequence,
                    "due_on": r.due_on,
                    "amount": format_money(r.amount, plan.currency, language),
                }
                for r in rows
            ],
            "portal_url": f"{settings.BASE_URL}{reverse('portal:payment_plan_detail', kwargs={'number': plan.number})}",
        },
        idempotency_key=f"plan:{plan.pk}:created",
        related=plan,
    )
