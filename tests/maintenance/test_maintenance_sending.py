"""Sending reminders through real SMTP: consent, quiet hours, the weekly cap (held, not sent), idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from postventa.aftercare.maintenance import schedule, services
from postventa.aftercare.maintenance.models import MaintenanceReminder, ReminderStatus
from postventa.core.models import OutboxEvent
from postventa.notifications.models import Notification

NOW = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)  # 11:00 in Madrid


@pytest.fixture
def due_reminder(customer, product, make_asset):
    def make(serial="SN-1", owner=None):
        asset = make_asset(owner or customer, product, serial, purchased_on=dt.date(2023, 3, 5))
        schedule.schedule_reminders(now=NOW, asset_ids=[asset.pk])
        reminder = MaintenanceReminder.objects.get(asset=asset)
        assert reminder.send_after <= NOW  # due 2025-03-05, sent from 14 days before
        return reminder

    return make


def test_due_reminder_is_emailed_once_with_a_booking_link(smtp_server, due_reminder, customer):
    reminder = due_reminder()
    counts = services.reminders_send_due(now=NOW)
    assert counts["sent"] == 1
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert msg["To"] == "lucia@example.com"
    assert "Lavadora Test" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert "/maintenance/link/" in body
    assert "Reservar una visita" in body or "Book a service visit" in body
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.notification_id
    assert OutboxEvent.objects.filter(type="maintenance_reminder.sent").count() == 1
    # A second run (or a retry after a crash) sends nothing.
    assert services.reminders_send_due(now=NOW + dt.timedelta(minutes=10))["sent"] == 0
    MaintenanceReminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SCHEDULED)
    services.reminders_send_due(now=NOW + dt.timedelta(minutes=20))
    smtp_server.wait_for(2, timeout=0.5)
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(idempotency_key=f"maintenance-reminder:{reminder.pk}").count() == 1


def test_reminder_over_the_weekly_cap_is_held_then_sent_when_the_week_frees(smtp_server, due_reminder, customer):
    customer.max_messages_per_week = 1
    customer.save()
    first = due_reminder("SN-1")
    second = due_reminder("SN-2")
    counts = services.reminders_send_due(now=NOW)
    assert counts == {"sent": 1, "held": 1, "suppressed": 0, "cancelled": 0}
    smtp_server.wait_for(2, timeout=0.5)
    assert len(smtp_server.messages) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReminderStatus.SENT
    assert second.status == ReminderStatus.HELD
    assert second.send_after > NOW + dt.timedelta(days=7) - dt.timedelta(seconds=5)
    assert Notification.objects.filter(customer=customer).count() == 1  # nothing written for the held one
    # Still held a day later; sent once the week has passed.
    assert services.reminders_send_due(now=NOW + dt.timedelta(days=1))["sent"] == 0
    assert services.reminders_send_due(now=NOW + dt.timedelta(days=7, minutes=1))["sent"] == 1
    smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2


def test_withdrawn_consent_suppresses_the_reminder(smtp_server, due_reminder, customer):
    from postventa.customers.consents import consent_withdraw

    consent_withdraw(customer=customer, channel="email", purpose="transactional", source="portal")
    reminder = due_reminder()
    assert services.reminders_send_due(now=NOW)["suppressed"] == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SUPPRESSED
    assert Notification.objects.get(customer=customer).status == Notification.Status.SUPPRESSED
    smtp_server.wait_for(1, timeout=0.5)
    assert smtp_server.messages == []


def test_quiet_hours_defer_the_email(smtp_server, due_reminder, customer):
    customer.quiet_start, customer.quiet_end = dt.time(10, 0), dt.time(12, 0)  # 11:00 Madrid is quiet
    customer.save()
    due_reminder()
    services.reminders_send_due(now=NOW)
    n = Notification.objects.get(customer=customer)
    assert n.status == Notification.Status.DEFERRED
    assert n.scheduled_for == dt.datetime(2025, 3, 1, 11, 0, tzinfo=dt.UTC)  # 12:00 Madrid
    smtp_server.wait_for(1, timeout=0.5)
    assert smtp_server.messages == []


def test_english_customer_gets_english_text(smtp_server, make_customer, due_reminder):
    john = make_customer("John", "john@example.com", language="en")
    due_reminder("SN-EN", owner=john)
    services.reminders_send_due(now=NOW)
    smtp_server.wait_for(1)
    assert smtp_server.messages[0]["Subject"] == "Your Test washing machine is due for maintenance"
