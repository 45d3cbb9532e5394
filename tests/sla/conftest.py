"""SLA fixtures: a Madrid office calendar with split shifts, policies, and tickets opened by a channel."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


@pytest.fixture
def office_calendar(db):
    """Monday-Friday 09:00-14:00 and 16:00-19:00, Madrid holidays."""
    from postventa.core.models import BusinessCalendar, WeeklyHours

    calendar = BusinessCalendar.objects.create(
        name="Oficina Madrid", time_zone="Europe/Madrid", subdivision="MD"
    )
    WeeklyHours.objects.bulk_create(
        [
            WeeklyHours(calendar=calendar, weekday=d, start=dt.time(h1), end=dt.time(h2))
            for d in range(5)
            for h1, h2 in ((9, 14), (16, 19))
        ]
    )
    return calendar


@pytest.fixture
def make_policy(db):
    from postventa.helpdesk.sla.models import SlaPolicy

    def make(name: str = "Standard", **fields) -> SlaPolicy:
        fields.setdefault("first_response_minutes", 60)
        fields.setdefault("next_response_minutes", 120)
        fields.setdefault("resolution_minutes", 8 * 60)
        fields.setdefault("warn_before_minutes", 15)
        return SlaPolicy.objects.create(name=name, **fields)

    return make


@pytest.fixture
def customer(db):
    from postventa.customers.services import customer_create

    return customer_create(
        acting_user=None, first_name="Lucía", last_name="Pérez", emails=["lucia@example.com"]
    )


@pytest.fixture
def inbound(customer):
    """A customer's email through receive_message (the channels' entry point) at `now`."""
    from postventa.helpdesk.services import receive_message

    def send(body: str = "Mi lavadora pierde agua", *, now: dt.datetime, **kwargs):
        kwargs.setdefault("customer", customer)
        kwargs.setdefault("channel", "email")
        kwargs.setdefault("subject", "Lavadora")
        return receive_message(body_text=body, now=now, **kwargs)

    return send


def at(*args) -> dt.datetime:
    """A Madrid wall-clock time."""
    return dt.datetime(*args, tzinfo=MADRID)
