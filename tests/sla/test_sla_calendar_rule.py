"""Which calendar an SLA counts in (one rule), and recomputing open tickets when a calendar changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from postventa.core import calendar_services
from postventa.core.models import BusinessCalendar, OutboxEvent, WeeklyHours
from postventa.helpdesk import services as helpdesk
from postventa.helpdesk.models import Ticket
from postventa.helpdesk.sla import services as sla
from postventa.helpdesk.sla.models import TicketSla

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
OFFICE = {d: [(dt.time(9), dt.time(14)), (dt.time(16), dt.time(19))] for d in range(5)}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MADRID)


def settle(drain_outbox, now: dt.datetime) -> None:
    OutboxEvent.objects.filter(status="pending").update(next_attempt_at=now)
    with time_machine.travel(now, tick=False):
        drain_outbox()


def calendar(admin, name="Oficina", *, is_default=True, hours=OFFICE) -> BusinessCalendar:
    return calendar_services.calendar_save(
        acting_user=admin, name=name, time_zone="Europe/Madrid", subdivision="MD", is_default=is_default,
        hours=hours,
    )  # fmt: skip


def due(ticket) -> dt.datetime:
    ticket.refresh_from_db()
    return ticket.first_response_due_at


# --- one rule: the policy's calendar, else the default one, else round the clock ----------------


def test_policy_without_calendar_counts_in_the_default_calendar(
    make_policy, inbound, drain_outbox, admin_user
):
    calendar(admin_user, "Oficina Madrid")
    make_policy()  # names no calendar
    ticket, _m, _c = inbound(now=at(2026, 6, 5, 18, 30))  # Friday, 30 min before closing
    settle(drain_outbox, at(2026, 6, 5, 18, 31))
    # 30 min on Friday, 30 on Monday: business time, not 19:30 on Friday
    assert due(ticket) == at(2026, 6, 8, 9, 30)


def test_round_the_clock_only_without_any_calendar(make_policy, inbound, drain_outbox):
    assert not BusinessCalendar.objects.exists()
    make_policy()
    ticket, _m, _c = inbound(now=at(2026, 6, 5, 18, 30))
    settle(drain_outbox, at(2026, 6, 5, 18, 31))
    assert due(ticket) == at(2026, 6, 5, 19, 30)


def test_calendars_without_a_default_flag_still_apply(make_policy, office_calendar, inbound, drain_outbox):
    # office_calendar is written straight to the table, never flagged default
    assert not BusinessCalendar.objects.filter(is_default=True).exists()
    assert calendar_services.default_calendar() == office_calendar
    make_policy()
    ticket, _m, _c = inbound(now=at(2026, 6, 5, 18, 30))
    settle(drain_outbox, at(2026, 6, 5, 18, 31))
    assert due(ticket) == at(2026, 6, 8, 9, 30)


def test_explicit_24x7_calendar_counts_round_the_clock(make_policy, inbound, drain_outbox, admin_user):
    always = {d: [(dt.time(0), dt.time(23, 59, 59))] for d in range(7)}
    calendar(admin_user, "Oficina")
    round_the_clock = calendar(admin_user, "Guardia 24x7", is_default=False, hours=always)
    make_policy(first_response_minutes=90, calendar=round_the_clock)
    # Sunday night before a Madrid holiday week: no closed hours, no holiday gap
    ticket, _m, _c = inbound(now=at(2026, 5, 1, 23, 0))  # 1 May, a public holiday
    settle(drain_outbox, at(2026, 5, 1, 23, 1))
    assert due(ticket) == at(2026, 5, 2, 0, 30)


def test_policy_calendar_beats_the_default(make_policy, inbound, drain_outbox, admin_user):
    calendar(admin_user, "Oficina")  # the default: weekdays only
    weekend = calendar(
        admin_user, "Fin de semana", is_default=False, hours={5: [(dt.time(10), dt.time(14))], 6: []}
    )
    make_policy(calendar=weekend)
    ticket, _m, _c = inbound(now=at(2026, 6, 5, 18, 30))  # Friday evening
    settle(drain_outbox, at(2026, 6, 5, 18, 31))
    assert due(ticket) == at(2026, 6, 6, 11, 0)  # Saturday 10:00 + 60 min


# --- calendar.updated: open tickets follow the new hours ---------------------------------------


@pytest.fixture
def office(admin_user):
    return calendar(admin_user, "Oficina Madrid")


def _open_ticket(inbound, drain_outbox, when, **kwargs):
    ticket, _m, _c = inbound(now=when, **kwargs)
    settle(drain_outbox, when + dt.timedelta(minutes=1))
    ticket.refresh_from_db()
    return ticket


def test_editing_hours_emits_calendar_updated_and_recomputes_open_tickets(
    make_policy, inbound, drain_outbox, admin_user, agent, office, customer
):
    from postventa.customers.services import customer_create

    make_policy()  # no calendar: counts in the default one
    friday = at(2026, 6, 5, 18, 30)
    open_ticket = _open_ticket(inbound, drain_outbox, friday)
    other = customer_create(
        acting_user=None, first_name="Jon", last_name="Etxeberria", emails=["jon@example.com"]
    )
    solved = _open_ticket(inbound, drain_outbox, friday, customer=other, subject="Otra")
    helpdesk.reply(
        ticket=solved, acting_user=agent, body="Resuelto", status="solved", now=at(2026, 6, 5, 18, 40)
    )
    settle(drain_outbox, at(2026, 6, 5, 18, 41))
    solved.refresh_from_db()
    solved_due = solved.resolution_due_at
    assert open_ticket.first_response_due_at == at(2026, 6, 8, 9, 30)
    OutboxEvent.objects.filter(status="pending").update(status="done")

    # when: the office now also opens on Saturday mornings
    hours = {**OFFICE, 5: [(dt.time(10), dt.time(14))]}
    calendar_services.calendar_save(
        acting_user=admin_user, calendar_id=office.pk, name=office.name, time_zone="Europe/Madrid",
        subdivision="MD", is_default=True, hours=hours,
    )  # fmt: skip
    event = OutboxEvent.objects.get(type="calendar.updated", status="pending")
    assert event.payload["calendar_id"] == office.pk
    assert event.payload["affects_default"] is True
    assert due(open_ticket) == at(2026, 6, 8, 9, 30)  # nothing moves before the worker runs

    settle(drain_outbox, at(2026, 6, 5, 19, 0))
    # then: the open ticket's due time moved to Saturday; the solved ticket's did not change
    assert due(open_ticket) == at(2026, 6, 6, 10, 30)
    row = TicketSla.objects.get(ticket=open_ticket, metric="first_response")
    assert row.due_at == at(2026, 6, 6, 10, 30)
    solved.refresh_from_db()
    assert solved.resolution_due_at == solved_due

    # idempotent: running the recompute again (a retried event) changes nothing
    before = {
        (r.ticket_id, r.metric): (r.due_at, r.warn_at, r.paused_seconds) for r in TicketSla.objects.all()
    }
    assert sla.sla_recompute_for_calendar(office.pk, affects_default=True, now=at(2026, 6, 5, 19, 0)) == 1
    after = {
        (r.ticket_id, r.metric): (r.due_at, r.warn_at, r.paused_seconds) for r in TicketSla.objects.all()
    }
    assert after == before


def test_adding_a_holiday_pushes_due_times_of_that_calendars_tickets_only(
    make_policy, inbound, drain_outbox, admin_user, office, customer
):
    from postventa.customers.models import Tag
    from postventa.customers.services import customer_create

    other_calendar = calendar(admin_user, "Canarias", is_default=False)
    make_policy("VIP", position=0, conditions={"customer_tags": ["vip"]}, calendar=other_calendar)
    make_policy("Standard", position=1, calendar=office)
    friday = at(2026, 6, 5, 18, 30)
    standard = _open_ticket(inbound, drain_outbox, friday)
    important = customer_create(
        acting_user=None, first_name="Ane", last_name="Vip", emails=["ane@example.com"]
    )
    important.tags.add(Tag.objects.create(name="vip"))
    vip = _open_ticket(inbound, drain_outbox, friday, customer=important)
    assert vip.pk != standard.pk
    assert due(standard) == due(vip) == at(2026, 6, 8, 9, 30)
    OutboxEvent.objects.filter(status="pending").update(status="done")

    calendar_services.holiday_add(
        acting_user=admin_user, calendar_id=office.pk, date=dt.date(2026, 6, 8), name="Fiesta local"
    )
    settle(drain_outbox, at(2026, 6, 5, 19, 0))
    assert due(standard) == at(2026, 6, 9, 9, 30)  # Monday closed: Tuesday
    assert due(vip) == at(2026, 6, 8, 9, 30)  # another calendar: untouched

    holiday = office.custom_holidays.get()
    calendar_services.holiday_remove(acting_user=admin_user, calendar_id=office.pk, holiday_id=holiday.pk)
    settle(drain_outbox, at(2026, 6, 5, 19, 5))
    assert due(standard) == at(2026, 6, 8, 9, 30)


def test_a_new_non_default_calendar_emits_nothing_and_a_failed_save_emits_nothing(admin_user, office):
    from postventa.core.errors import ValidationFailed

    OutboxEvent.objects.filter(type="calendar.updated").delete()
    calendar(admin_user, "Almacén", is_default=False)
    assert not OutboxEvent.objects.filter(type="calendar.updated").exists()
    with pytest.raises(ValidationFailed):
        calendar_services.calendar_save(
            acting_user=admin_user, calendar_id=office.pk, name=office.name, time_zone="Europe/Madrid",
            subdivision="MD", is_default=True, hours={0: [(dt.time(14), dt.time(9))]},
        )  # fmt: skip
    assert not OutboxEvent.objects.filter(type="calendar.updated").exists()
    assert WeeklyHours.objects.filter(calendar=office).count() == 10  # nothing half-written


def test_making_another_calendar_the_default_moves_policies_without_calendar(
    make_policy, inbound, drain_outbox, admin_user, office
):
    make_policy()
    ticket = _open_ticket(inbound, drain_outbox, at(2026, 6, 5, 18, 30))
    assert ticket.first_response_due_at == at(2026, 6, 8, 9, 30)
    always = {d: [(dt.time(0), dt.time(23, 59, 59))] for d in range(7)}
    calendar(admin_user, "Guardia", is_default=True, hours=always)  # becomes the default
    assert Ticket.objects.get(pk=ticket.pk).first_response_due_at == at(2026, 6, 8, 9, 30)
    settle(drain_outbox, at(2026, 6, 5, 18, 45))
    assert due(ticket) == at(2026, 6, 5, 19, 30)  # now round the clock
