"""Demo payment plans: the approved demo repair split into three interest-free instalments, made
two months ago so that two are already paid and one is still due.

Idempotent (one plan per repair) and silent (its outbox events are marked done).
"""

from __future__ import annotations

import datetime as dt

from postventa.core.models import OutboxEvent


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.payment_plans import services
    from postventa.aftercare.payment_plans.models import PaymentPlan
    from postventa.aftercare.repairs.models import RepairOrder

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    repair = (
        RepairOrder.objects.filter(status="approved", under_warranty=False, quote_decided_at__isnull=False)
        .select_related("customer")
        .order_by("id")
        .first()
    )
    if repair is None or PaymentPlan.objects.filter(repair=repair).exists():
        return 0
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )
    made = max(now - dt.timedelta(days=70), repair.quote_decided_at)
    plan = services.create_plan(
        actor=supervisor,
        repair=repair,
        instalments=3,
        first_due_on=(made + dt.timedelta(days=10)).date(),
        interval="custom",
        interval_days=30,
        notes="Plan acordado por teléfono.",
        now=made,
    )
    for inst in plan.instalments.order_by("sequence"):
        paid_on = dt.datetime.combine(inst.due_on, dt.time(10), tzinfo=dt.UTC) - dt.timedelta(days=1)
        if paid_on < now:
            services.record_payment(
                actor=supervisor, instalment=inst, reference=f"TPV-{inst.sequence:03d}", now=paid_on
            )
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return 1
