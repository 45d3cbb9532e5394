"""Demo payment plan: a repair split into three interest-free instalments, two paid; once, silently."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.payment_plans.models import PaymentPlan
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_payment_plans import load


@pytest.mark.django_db
def test_demo_payment_plan_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    plan = PaymentPlan.objects.get()
    statuses = list(plan.instalments.order_by("sequence").values_list("status", flat=True))
    assert statuses == ["paid", "paid", "due"]
    assert sum(i.amount for i in plan.instalments.all()) == plan.principal
    assert plan.repair is not None and plan.status == "active"
    assert (
        not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING)
        .exclude(type__startswith="ticket")
        .filter(type__in=["payment_plan.created", "instalment.paid"])
        .exists()
    )
    assert smtp_server.messages == []
    assert load(now=timezone.now(), seed=7) == 0
    assert PaymentPlan.objects.count() == 1
