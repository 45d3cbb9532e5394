"""Reminder scheduling: dates, intervals, consumables, failure points, leap day, time zone, idempotency."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from postventa.aftercare.maintenance import schedule, services
from postventa.aftercare.maintenance.models import MaintenanceReminder, ServiceVisit

NOW = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)


def test_add_months_clamps_month_ends_and_leap_day():
    assert schedule.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert schedule.add_months(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)
    assert schedule.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert schedule.add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)


def test_next_occurrence_is_computed_from_the_anchor_not_chained():
    anchor = dt.date(2024, 2, 29)
    # Occurrences: 2025-02-28, 2026-02-28, 2027-02-28, 2028-02-29.
    assert schedule.next_occurrence(anchor, 12, dt.date(2025, 3, 1)) == dt.date(2026, 2, 28)
    assert schedule.next_occurrence(anchor, 12, dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    assert schedule.next_occurrence(anchor, 12, dt.date(2024, 3, 1)) == dt.date(2025, 2, 28)
    assert schedule.next_occurrence(anchor, 12, dt.date(2025, 2, 28)) == dt.date(2025, 2, 28)


def test_product_default_interval_schedules_the_next_service(customer, product, make_asset):
    asset = make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 3, 5))
    result = schedule.schedule_reminders(now=NOW)
    assert result == {"assets": 1, "reminders": 1}
    r = MaintenanceReminder.objects.get()
    assert (r.asset_id, r.kind, r.item_id, r.due_on) == (asset.pk, "service", 0, dt.date(2026, 3, 5))
    # 14 days before, 10:00 Madrid (CET, UTC+1) = 09:00 UTC.
    assert r.send_after == dt.datetime(2026, 2, 19, 9, 0, tzinfo=dt.UTC)


def test_plan_interval_consumables_and_failure_points(customer, product, make_asset, supervisor):
    plan = services.plan_save(acting_user=supervisor, product=product, interval_months=12, lead_days=7)
    services.consumable_add(acting_user=supervisor, plan=plan, name_es="Filtro", name_en="Filter", period_months=6)
    fp = services.failure_point_add(acting_user=supervisor, plan=plan, component_es="Bomba", after_months=6,
                                    message_es="Limpie el filtro de la bomba.")
    services.failure_point_add(acting_user=supervisor, plan=plan, component_es="Junta", after_months=1,
                               message_es="Revise la junta.")  # already past: not scheduled
    make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 11, 20))
    schedule.schedule_reminders(now=NOW)
    rows = {(r.kind, r.due_on) for r in MaintenanceReminder.objects.all()}
    assert rows == {
        ("service", dt.date(2025, 11, 20)),
        ("consumable", dt.date(2025, 5, 20)),
        ("failure_point", dt.date(2025, 5, 20)),
    }
    assert MaintenanceReminder.objects.get(kind="failure_point").item_id == fp.pk


def test_delivery_day_is_taken_in_the_customer_time_zone(make_customer, product, make_asset):
    # Delivered 2024-03-31 23:30 UTC: already 1 April in Madrid (CEST), still 31 March in New York.
    delivered = dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC)
    madrid = make_customer(time_zone="Europe/Madrid")
    new_york = make_customer(time_zone="America/New_York")
    a1 = make_asset(madrid, product, "SN-MAD", purchased_on=dt.date(2024, 1, 1), delivered_at=delivered)
    a2 = make_asset(new_york, product, "SN-NY", delivered_at=delivered)
    schedule.schedule_reminders(now=NOW)
    assert MaintenanceReminder.objects.get(asset=a1).due_on == dt.date(2026, 4, 1)
    assert MaintenanceReminder.objects.get(asset=a2).due_on == dt.date(2026, 3, 31)


def test_leap_day_delivery(customer, product, make_asset):
    make_asset(customer, product, "SN-LEAP", purchased_on=dt.date(2024, 2, 29))
    product.maintenance_interval_months = 12
    product.save()
    schedule.schedule_reminders(now=NOW)
    assert MaintenanceReminder.objects.get().due_on == dt.date(2025, 2, 28)


def test_scheduler_is_idempotent_and_rolls_forward(customer, product, make_asset):
    make_asset(customer, product, "SN-1", purchased_on=dt.date(2023, 1, 15))
    assert schedule.schedule_reminders(now=NOW)["reminders"] == 1
    assert schedule.schedule_reminders(now=NOW)["reminders"] == 0
    assert MaintenanceReminder.objects.count() == 1
    assert MaintenanceReminder.objects.get().due_on == dt.date(2025, 1, 15)
    later = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    assert schedule.schedule_reminders(now=later)["reminders"] == 1
    assert sorted(MaintenanceReminder.objects.values_list("due_on", flat=True)) == [
        dt.date(2025, 1, 15), dt.date(2027, 1, 15)]  # fmt: skip


def test_plan_change_recomputes_pending_reminders(customer, product, make_asset, supervisor, drain_outbox):
    make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 6, 1))
    schedule.schedule_reminders(now=NOW)
    assert MaintenanceReminder.objects.get().due_on == dt.date(2026, 6, 1)
    services.plan_save(acting_user=supervisor, product=product, interval_months=6)
    drain_outbox()  # the receiver recomputes with the real clock
    from django.utils import timezone

    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Madrid")).date()
    expected = schedule.next_occurrence(dt.date(2024, 6, 1), 6, today)
    assert list(MaintenanceReminder.objects.values_list("due_on", flat=True)) == [expected]
    assert expected.month in (6, 12)


def test_inactive_plan_schedules_nothing(customer, product, make_asset, supervisor, drain_outbox):
    make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 6, 1))
    services.plan_save(acting_user=supervisor, product=product, interval_months=6, is_active=False)
    drain_outbox()
    schedule.schedule_reminders(now=NOW)
    assert MaintenanceReminder.objects.count() == 0


def test_completed_visit_resets_the_next_service(customer, product, make_asset, agent):
    asset = make_asset(customer, product, "SN-1", purchased_on=dt.date(2023, 6, 1))
    schedule.schedule_reminders(now=NOW)
    assert MaintenanceReminder.objects.get().due_on == dt.date(2025, 6, 1)
    visit = services.visit_book(asset=asset, customer=customer, preferred_date=dt.date(2025, 1, 20), now=NOW)
    services.visit_complete(acting_user=agent, visit=visit, completed_on=dt.date(2025, 1, 10),
                            now=dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC))
    assert ServiceVisit.objects.get().status == "completed"
    assert list(MaintenanceReminder.objects.values_list("due_on", flat=True)) == [dt.date(2027, 1, 10)]


@pytest.mark.parametrize("value", ["0", "abc", "999"])
def test_bad_plan_input_is_refused_and_nothing_written(product, supervisor, value):
    from postventa.aftercare.maintenance.models import MaintenancePlan
    from postventa.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.plan_save(acting_user=supervisor, product=product, interval_months=value)
    assert MaintenancePlan.objects.count() == 0


def test_agents_cannot_edit_plans(product, agent):
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.plan_save(acting_user=agent, product=product, interval_months=12)
