"""SLA clock arithmetic as properties, across weekends, holidays, split shifts and DST changes.

Calendars are plain core.calendars Schedules (the same snapshot sla_apply loads from the
database), so hypothesis can run thousands of cases without touching the database.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postventa.core.calendars import Schedule, business_time_between, is_open
from postventa.helpdesk.sla import clock

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
T = dt.time

# Split shifts Monday-Friday, a Saturday morning, Madrid's community holidays, a custom closure
# (San Isidro, 15 May) and a custom extra working day.
OFFICE = Schedule(
    time_zone="Europe/Madrid",
    country="ES",
    subdivision="MD",
    hours={
        **{d: ((T(9), T(14)), (T(16), T(19))) for d in range(5)},
        5: ((T(10), T(13)),),
    },
    closed_dates={dt.date(2026, 5, 15): "San Isidro", dt.date(2027, 5, 15): "San Isidro"},
    working_dates=frozenset({dt.date(2026, 12, 26)}),
)
# Open every night through the DST switch hours (02:00-03:00 local), Catalonia's holidays.
NIGHTS = Schedule(
    time_zone="Europe/Madrid",
    country="ES",
    subdivision="CT",
    hours={d: ((T(0), T(6)), (T(20), T(23, 59))) for d in range(7)},
)
# Canary Islands: another time zone, one long shift.
CANARIAS = Schedule(
    time_zone="Atlantic/Canary", country="ES", subdivision="CN", hours={d: ((T(8), T(17)),) for d in range(6)}
)
SCHEDULES = st.sampled_from([OFFICE, NIGHTS, CANARIAS, None])

# Starts cluster around the hard weeks of 2026: Holy Week, both DST switches, Christmas.
ANCHORS = [
    dt.datetime(2026, 3, 27, tzinfo=dt.UTC),  # DST starts 29 March
    dt.datetime(2026, 3, 31, tzinfo=dt.UTC),  # Holy Week (2 and 3 April; Easter Monday in CT)
    dt.datetime(2026, 5, 13, tzinfo=dt.UTC),  # San Isidro (custom) and 2 May (Madrid)
    dt.datetime(2026, 10, 23, tzinfo=dt.UTC),  # DST ends 25 October
    dt.datetime(2026, 12, 4, tzinfo=dt.UTC),  # 6 and 8 December
    dt.datetime(2026, 12, 23, tzinfo=dt.UTC),  # Christmas, the extra working 26th
]
starts = st.builds(
    lambda anchor, minutes: anchor + dt.timedelta(minutes=minutes),
    st.sampled_from(ANCHORS),
    st.integers(min_value=0, max_value=8 * 24 * 60),
)
targets = st.integers(min_value=1, max_value=5 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
PROPS = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
NOW = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)  # far after every clock: only the given pauses count


def open_just_before(schedule, at: dt.datetime) -> bool:
    if schedule is None:
        return True
    return is_open(schedule, at - dt.timedelta(microseconds=1))


@PROPS
@given(schedule=SCHEDULES, start=starts, target=targets)
def test_due_is_never_in_closed_hours_and_holds_exactly_the_target(schedule, start, target):
    result = clock.compute(schedule, start=start, target=target, pauses=[], now=NOW)
    # the last instant before the due time is open time: the clock ran out inside opening hours
    assert open_just_before(schedule, result.due_at)
    assert clock.time_between(schedule, start, result.due_at) == target
    assert result.due_at > start
    if schedule is not None:
        assert result.due_at.utcoffset() == result.due_at.astimezone(schedule.tz).utcoffset()


@PROPS
@given(
    schedule=SCHEDULES,
    start=starts,
    target=targets,
    pause_offset=st.integers(min_value=0, max_value=3 * 24 * 60),
    pause_length=st.integers(min_value=1, max_value=4 * 24 * 60),
)
def test_a_pause_extends_the_due_time_by_exactly_the_paused_business_time(
    schedule, start, target, pause_offset, pause_length
):
    plain = clock.compute(schedule, start=start, target=target, pauses=[], now=NOW)
    pause_start = start + dt.timedelta(minutes=pause_offset)
    pause_end = pause_start + dt.timedelta(minutes=pause_length)
    paused = clock.compute(schedule, start=start, target=target, pauses=[(pause_start, pause_end)], now=NOW)
    if pause_start >= plain.due_at:
        # a pause after the deadline changes nothing
        assert paused.due_at == plain.due_at and paused.paused == dt.timedelta(0)
        return
    pause_business = clock.time_between(schedule, pause_start, pause_end)
    assert paused.paused == pause_business
    assert clock.time_between(schedule, start, paused.due_at) == target + pause_business
    assert clock.time_between(schedule, plain.due_at, paused.due_at) == pause_business
    assert open_just_before(schedule, paused.due_at)


@PROPS
@given(schedule=SCHEDULES, start=starts, a=targets, b=targets, shift=st.integers(min_value=0, max_value=600))
def test_due_times_are_monotonic_in_target_and_start(schedule, start, a, b, shift):
    low, high = sorted([a, b])
    later = start + dt.timedelta(minutes=shift)
    due_low = clock.compute(schedule, start=start, target=low, pauses=[], now=NOW).due_at
    due_high = clock.compute(schedule, start=start, target=high, pauses=[], now=NOW).due_at
    assert due_low <= due_high
    assert due_low <= clock.compute(schedule, start=later, target=low, pauses=[], now=NOW).due_at


@PROPS
@given(
    schedule=SCHEDULES,
    start=starts,
    target=targets,
    first=st.integers(min_value=1, max_value=2000),
    extra=st.integers(min_value=0, max_value=2000),
)
def test_a_longer_pause_never_brings_the_due_time_forward(schedule, start, target, first, extra):
    pause_start = start + dt.timedelta(minutes=5)
    short = [(pause_start, pause_start + dt.timedelta(minutes=first))]
    long = [(pause_start, pause_start + dt.timedelta(minutes=first + extra))]
    due_short = clock.compute(schedule, start=start, target=target, pauses=short, now=NOW).due_at
    due_long = clock.compute(schedule, start=start, target=target, pauses=long, now=NOW).due_at
    assert due_short <= due_long


@PROPS
@given(schedule=SCHEDULES, start=starts, target=targets, lead=st.integers(min_value=0, max_value=600))
def test_the_warning_comes_before_the_due_time_with_the_lead_in_business_time(schedule, start, target, lead):
    result = clock.compute(
        schedule, start=start, target=target, pauses=[], now=NOW, warn_before=dt.timedelta(minutes=lead)
    )
    assert start <= result.warn_at <= result.due_at
    if dt.timedelta(minutes=lead) < target:
        assert clock.time_between(schedule, result.warn_at, result.due_at) == dt.timedelta(minutes=lead)


def test_weekend_and_holiday_examples_by_hand():
    # Friday 1 May 2026 is Labour Day (national), Saturday 2 May is Madrid's community day:
    # a ticket on Thursday 30 April 18:00 with 2 business hours is due Monday 4 May 10:00.
    start = dt.datetime(2026, 4, 30, 18, 0, tzinfo=MADRID)
    due = clock.compute(OFFICE, start=start, target=dt.timedelta(hours=2), pauses=[], now=NOW).due_at
    assert due == dt.datetime(2026, 5, 4, 10, 0, tzinfo=MADRID)
    # Split shift: 13:00 + 2 h = 1 h before lunch and 1 h after: 17:00.
    start = dt.datetime(2026, 6, 2, 13, 0, tzinfo=MADRID)
    due = clock.compute(OFFICE, start=start, target=dt.timedelta(hours=2), pauses=[], now=NOW).due_at
    assert due == dt.datetime(2026, 6, 2, 17, 0, tzinfo=MADRID)
    # San Isidro (custom, Friday 15 May 2026) is closed: Thursday 18:30 + 1 h -> Saturday 10:30.
    start = dt.datetime(2026, 5, 14, 18, 30, tzinfo=MADRID)
    due = clock.compute(OFFICE, start=start, target=dt.timedelta(hours=1), pauses=[], now=NOW).due_at
    assert due == dt.datetime(2026, 5, 16, 10, 30, tzinfo=MADRID)


def test_dst_night_counts_real_hours():
    # 29 March 2026: 02:00 jumps to 03:00; the 00:00-06:00 shift holds 5 real hours.
    start = dt.datetime(2026, 3, 29, 0, 0, tzinfo=MADRID)
    due = clock.compute(NIGHTS, start=start, target=dt.timedelta(hours=3), pauses=[], now=NOW).due_at
    assert due == dt.datetime(2026, 3, 29, 4, 0, tzinfo=MADRID)
    # 25 October 2026: 03:00 goes back to 02:00; the same shift holds 7 real hours.
    start = dt.datetime(2026, 10, 25, 0, 0, tzinfo=MADRID)
    due = clock.compute(NIGHTS, start=start, target=dt.timedelta(hours=7), pauses=[], now=NOW).due_at
    assert due == dt.datetime(2026, 10, 25, 6, 0, tzinfo=MADRID)
    assert business_time_between(NIGHTS, start, due) == dt.timedelta(hours=7)


def test_pause_intervals_from_status_history():
    t0 = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    h = dt.timedelta(hours=1)
    changes = [
        (t0 + h, "new", "open"),
        (t0 + 2 * h, "open", "pending"),
        (t0 + 3 * h, "pending", "on_hold"),  # still paused: one interval
        (t0 + 4 * h, "on_hold", "open"),
        (t0 + 5 * h, "open", "solved"),
    ]
    assert clock.pause_intervals(t0, changes, "solved") == [(t0 + 2 * h, t0 + 4 * h), (t0 + 5 * h, None)]
    assert clock.pause_intervals(t0, [], "pending") == [(t0, None)]
    assert clock.pause_intervals(t0, [], "open") == []
