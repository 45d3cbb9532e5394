"""The same clock properties through real tickets: status history rows, a stored calendar, sla_apply."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postventa.core.calendars import business_time_between, is_open, load_schedule
from postventa.helpdesk import services as helpdesk
from postventa.helpdesk.sla import clock
from postventa.helpdesk.sla.services import sla_apply

ANCHORS = [
    dt.datetime(2026, 3, 27, 8, tzinfo=dt.UTC),  # DST starts on Sunday 29 March
    dt.datetime(2026, 4, 30, 8, tzinfo=dt.UTC),  # 1 May (national), 2 May (Madrid)
    dt.datetime(2026, 10, 23, 8, tzinfo=dt.UTC),  # DST ends on Sunday 25 October
    dt.datetime(2026, 12, 4, 8, tzinfo=dt.UTC),  # 6 and 8 December
]


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    anchor=st.sampled_from(ANCHORS),
    created=st.integers(min_value=0, max_value=3 * 24 * 60),
    pause_after=st.integers(min_value=1, max_value=600),
    pause_for=st.integers(min_value=1, max_value=3 * 24 * 60),
)
def test_stored_due_time_is_the_target_plus_the_paused_business_time(
    make_policy, office_calendar, inbound, agent, anchor, created, pause_after, pause_for
):
    from postventa.helpdesk.sla.models import SlaPolicy

    if not SlaPolicy.objects.exists():
        make_policy(calendar=office_calendar, first_response_minutes=None, next_response_minutes=None)
    schedule = load_schedule(office_calendar)
    start = anchor + dt.timedelta(minutes=created)
    paused_at = start + dt.timedelta(minutes=pause_after)
    resumed_at = paused_at + dt.timedelta(minutes=pause_for)
    ticket, _m, _c = inbound(now=start)
    helpdesk.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "on_hold"}, now=paused_at)
    helpdesk.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "open"}, now=resumed_at)

    sla_apply(ticket, now=resumed_at + dt.timedelta(minutes=1))
    ticket.refresh_from_db()

    target = dt.timedelta(hours=8)
    plain_due = clock.add_time(schedule, start, target)
    paused = (
        business_time_between(schedule, paused_at, resumed_at) if paused_at < plain_due else dt.timedelta(0)
    )
    assert ticket.resolution_due_at == clock.add_time(schedule, start, target + paused)
    assert business_time_between(schedule, start, ticket.resolution_due_at) == target + paused
    assert is_open(schedule, ticket.resolution_due_at - dt.timedelta(microseconds=1))
    assert ticket.resolution_due_at >= plain_due
