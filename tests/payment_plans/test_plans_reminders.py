"""Reminders before each due date: through the real SMTP server, once per instalment and reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from plans_testutil import NOW

from postventa.aftercare.payment_plans import services, tasks

pytestmark = pytest.mark.django_db


def test_reminders_once_per_instalment_and_step(agent, order, smtp_server, settings, drain_outbox):
    settings.PAYMENT_PLAN_REMINDER_DAYS = (7, 1)
    plan = services.create_plan(
        actor=agent, order=order, instalments=2, first_due_on=dt.date(2026, 3, 20), now=NOW
    )
    drain_outbox()  # the "plan created" email with the schedule
    smtp_server.wait_for(1)
    assert "PLAN-2026" in smtp_server.messages[0]["Subject"]
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "0 % de interés; sin recargos por retraso" in body

    ten_days_before = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    assert tasks.run_daily(now=ten_days_before) == {"overdue": 0, "reminders": 0}
    six_days_before = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)
    assert tasks.run_daily(now=six_days_before)["reminders"] == 1
    assert tasks.run_daily(now=six_days_before)["reminders"] == 0  # idempotent
    assert tasks.run_daily(now=six_days_before + dt.timedelta(days=1))["reminders"] == 0  # same step (7 days)
    smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2
    subject = smtp_server.messages[1]["Subject"]
    assert (
        "Recordatorio" in subject
        and "1 de 2" in subject
        and "20/3/26" in subject.replace("20/03/2026", "20/3/26")
    )
    day_before = dt.datetime(2026, 3, 19, 9, 0, tzinfo=dt.UTC)
    assert tasks.run_daily(now=day_before)["reminders"] == 1  # the 1-day reminder
    smtp_server.wait_for(3)
    assert len(smtp_server.messages) == 3
    # paid instalments are not reminded
    services.record_payment(actor=agent, instalment=plan.instalments.get(sequence=1), now=day_before)
    assert (
        tasks.run_daily(now=dt.datetime(2026, 4, 19, 9, 0, tzinfo=dt.UTC))["reminders"] == 1
    )  # second instalment
    assert tasks.run_daily(now=dt.datetime(2026, 4, 19, 9, 0, tzinfo=dt.UTC))["reminders"] == 0
