"""Creating plans from repairs and orders, paying, overdue, reminders; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from plans_testutil import NOW

from postventa.aftercare.payment_plans import selectors, services
from postventa.aftercare.payment_plans.models import Instalment, PaymentPlan
from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def amounts(plan):
    return [i.amount for i in plan.instalments.order_by("sequence")]


def test_plan_from_an_approved_repair(agent, customer, make_approved_repair):
    repair = make_approved_repair(customer)  # (40 + 60) * 1.21 = 121.00
    plan = services.create_plan(actor=agent, repair=repair, instalments=3, now=NOW)
    assert plan.principal == Decimal("121.00")
    assert amounts(plan) == [Decimal("40.34"), Decimal("40.33"), Decimal("40.33")]
    assert [i.due_on for i in plan.instalments.order_by("sequence")] == [
        dt.date(2026, 4, 2),
        dt.date(2026, 5, 2),
        dt.date(2026, 6, 2),
    ]
    assert plan.number.startswith("PLAN-2026-")
    assert OutboxEvent.objects.filter(type="payment_plan.created", payload__plan_id=plan.pk).count() == 1
    terms = selectors.terms_text(plan, language="es")
    assert terms == "3 plazos: 1 de 40,34\xa0€ y 2 de 40,33\xa0€; 0 % de interés; sin recargos por retraso"


def test_terms_in_plain_language_even_split(agent, customer, make_order):
    order = make_order(customer, total="500.00")
    plan = services.create_plan(actor=agent, order=order, instalments=12, now=NOW)
    assert selectors.terms_text(
        plan, language="es"
    ) == "12 plazos de 41,67\xa0€; 0 % de interés; sin recargos por retraso" or (
        # 500 / 12 = 41.666..: 8 instalments of 41.67 and 4 of 41.66
        selectors.terms_text(plan, language="es")
        == "12 plazos: 8 de 41,67\xa0€ y 4 de 41,66\xa0€; 0 % de interés; sin recargos por retraso"
    )
    assert sum(amounts(plan)) == Decimal("500.00")
    assert "0 % interest; no charges for late payment" in selectors.terms_text(plan, language="en")


def test_custom_interval_and_customer_time_zone(agent, make_customer, make_order):
    kiritimati = make_customer("Kai", "kai@example.com", time_zone="Pacific/Kiritimati")  # UTC+14
    order = make_order(kiritimati, total="90.00")
    late_evening_utc = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)  # already 3 March there
    plan = services.create_plan(
        actor=agent,
        order=order,
        instalments=3,
        interval="custom",
        interval_days=14,
        now=late_evening_utc,
        first_due_on=dt.date(2026, 3, 3),
    )
    assert [i.due_on for i in plan.instalments.order_by("sequence")] == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 31),
    ]
    with pytest.raises(ValidationFailed):  # 2 March is yesterday in Kiritimati
        services.create_plan(
            actor=agent,
            order=make_order(kiritimati),
            instalments=2,
            first_due_on=dt.date(2026, 3, 2),
            now=late_evening_utc,
        )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"instalments": 0}, "bad_count"),
        ({"instalments": 61}, "bad_count"),
        ({"instalments": 2, "principal": "-10"}, "bad_amount"),
        ({"instalments": 2, "principal": "0"}, "bad_amount"),
        ({"instalments": 2, "principal": "600"}, "amount_too_large"),
        ({"instalments": 2, "principal": "abc"}, "bad_amount"),
        ({"instalments": 2, "amounts": ["100", "300"]}, "schedule_mismatch"),  # 400 != 500
        ({"instalments": 2, "amounts": ["600", "-100"]}, "bad_amount"),
        ({"instalments": 3, "amounts": ["250", "250"]}, "schedule_mismatch"),
        ({"instalments": 2, "interval": "weekly"}, "bad_interval"),
        ({"instalments": 2, "interval": "custom"}, "bad_interval"),
        ({"instalments": 600, "principal": "5.00"}, "bad_count"),
        ({"instalments": 50, "principal": "0.10"}, "bad_amount"),
    ],
)
def test_bad_input_writes_nothing(agent, order, kwargs, code):
    with pytest.raises(ValidationFailed) as exc:
        services.create_plan(actor=agent, order=order, now=NOW, **kwargs)
    assert exc.value.code == code
    assert exc.value.message
    assert PaymentPlan.objects.count() == 0
    assert Instalment.objects.count() == 0
    assert not OutboxEvent.objects.filter(type="payment_plan.created").exists()


def test_custom_amounts_that_sum_are_accepted(agent, order):
    plan = services.create_plan(
        actor=agent, order=order, instalments=2, amounts=["100.00", "400.00"], now=NOW
    )
    assert amounts(plan) == [Decimal("100.00"), Decimal("400.00")]


def test_repair_rules(agent, customer, make_approved_repair, make_order, analyst):
    free = make_approved_repair(customer, under_warranty=True)
    with pytest.raises(ValidationFailed) as exc:
        services.create_plan(actor=agent, repair=free, instalments=2, now=NOW)
    assert exc.value.code == "repair_free"
    repair = make_approved_repair(customer)
    services.create_plan(actor=agent, repair=repair, instalments=2, now=NOW)
    with pytest.raises(Conflict):
        services.create_plan(actor=agent, repair=repair, instalments=4, now=NOW)
    with pytest.raises(ValidationFailed):
        services.create_plan(actor=agent, repair=repair, order=make_order(customer), instalments=2, now=NOW)
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=analyst, order=make_order(customer), instalments=2, now=NOW)
    assert PaymentPlan.objects.count() == 1


def test_paying_late_and_overdue_never_change_amounts(agent, order):
    plan = services.create_plan(actor=agent, order=order, instalments=3, now=NOW)
    before = amounts(plan)
    # two months after the first due date: the first two are overdue
    later = dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC)
    assert services.mark_overdue(now=later) == 2
    assert services.mark_overdue(now=later) == 0  # idempotent
    assert list(plan.instalments.order_by("sequence").values_list("status", flat=True)) == [
        "overdue",
        "overdue",
        "due",
    ]
    assert amounts(plan) == before
    assert OutboxEvent.objects.filter(type="instalment.overdue").count() == 2
    first = plan.instalments.get(sequence=1)
    services.record_payment(actor=agent, instalment=first, reference="TR-1", now=later)
    assert amounts(plan) == before
    paid = plan.instalments.get(sequence=1)
    assert paid.status == "paid" and paid.amount == before[0]
    event = OutboxEvent.objects.get(type="instalment.paid")
    assert Decimal(event.payload["amount"]) == before[0]
    with pytest.raises(Conflict):
        services.record_payment(actor=agent, instalment=paid, now=later)
    for seq in (2, 3):
        services.record_payment(actor=agent, instalment=plan.instalments.get(sequence=seq), now=later)
    plan.refresh_from_db()
    assert plan.status == "completed"
    assert sum(amounts(plan)) == plan.principal == Decimal("500.00")


def test_overdue_uses_the_customers_day(agent, make_customer, make_order):
    madrid = make_customer("Ana", "ana@example.com")
    plan = services.create_plan(
        actor=agent, order=make_order(madrid), instalments=1, first_due_on=dt.date(2026, 3, 10), now=NOW
    )
    # 10 March 23:30 UTC is already 11 March in Madrid: overdue there
    assert services.mark_overdue(now=dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)) == 0
    assert services.mark_overdue(now=dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)) == 1
    assert plan.instalments.get().status == "overdue"


def test_cancel(agent, order):
    plan = services.create_plan(actor=agent, order=order, instalments=2, now=NOW)
    services.cancel_plan(actor=agent, plan=plan, reason="Pagado al contado")
    plan.refresh_from_db()
    assert plan.status == "cancelled"
    with pytest.raises(Conflict):
        services.record_payment(actor=agent, instalment=plan.instalments.first())
    assert services.mark_overdue(now=NOW + dt.timedelta(days=400)) == 0
