"""Business-hour arithmetic: hand-checked cases plus hypothesis properties (no database needed)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postventa.core.calendars import (
    CalendarNeverOpen,
    Schedule,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
    public_holidays,
)

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
T = dt.time
H = dt.timedelta(hours=1)

SPLIT = ((T(9), T(14)), (T(16), T(19)))
# Madrid, Monday-Friday split shift, Saturday morning; San Isidro (15 May) as a custom holiday.
SCHEDULE = Schedule(
    time_zone="Europe/Madrid",
    subdivision="MD",
    hours={**{d: SPLIT for d in range(5)}, 5: ((T(10), T(13)),)},
    closed_dates={dt.date(2026, 5, 15): "San Isidro"},
)
# Open through the night around the DST switch (02:00-03:00 local), Sundays included.
NIGHT = Schedule(time_zone="Europe/Madrid", country="ES", hours={d: ((T(0), T(6)),) for d in range(7)})


def m(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MADRID)


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # inside the morning shift
        (m(2026, 11, 23, 10, 0), 2 * H, m(2026, 11, 23, 12, 0)),
        # ends exactly at the lunch break: due at 14:00, not 16:00
        (m(2026, 11, 23, 13, 0), 1 * H, m(2026, 11, 23, 14, 0)),
        # crosses the lunch break
        (m(2026, 11, 23, 13, 0), 2 * H, m(2026, 11, 23, 17, 0)),
        # created at lunch: the clock starts at 16:00
        (m(2026, 11, 23, 15, 0), 30 * dt.timedelta(minutes=1), m(2026, 11, 23, 16, 30)),
        # created at night: starts next morning
        (m(2026, 11, 23, 22, 0), 1 * H, m(2026, 11, 24, 10, 0)),
        # Friday evening -> Saturday morning shift
        (m(2026, 11, 27, 18, 0), 2 * H, m(2026, 11, 28, 11, 0)),
        # Saturday after closing -> Monday (Sunday closed)
        (m(2026, 11, 28, 12, 0), 2 * H, m(2026, 11, 30, 10, 0)),
        # Friday 4 Dec 18:00: Mon 7 Dec (Madrid moves Constitution Day) and Tue 8 Dec (Inmaculada) closed
        (m(2026, 12, 4, 18, 0), 3 * H + 3 * H, m(2026, 12, 9, 11, 0)),
        # Christmas (Friday 25 Dec) skipped: Thursday 18:00 + 2h -> Saturday 26 Dec 11:00
        (m(2026, 12, 24, 18, 0), 2 * H, m(2026, 12, 26, 11, 0)),
        # San Isidro, a custom holiday (Friday 15 May 2026)
        (m(2026, 5, 14, 18, 0), 2 * H, m(2026, 5, 16, 11, 0)),
        # a full week of business time: 8h x 5 + 3h Saturday = 43h
        (m(2026, 11, 23, 9, 0), 43 * H, m(2026, 11, 28, 13, 0)),
        # a start given in UTC is the same instant
        (dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), 1 * H, m(2026, 11, 23, 11, 0)),
        (m(2026, 11, 23, 10, 0), dt.timedelta(0), m(2026, 11, 23, 10, 0)),
    ],
)
def test_hand_checked_due_times(start, duration, due):
    result = add_business_time(SCHEDULE, start, duration)
    assert result == due
    assert result.tzinfo == MADRID
    assert business_time_between(SCHEDULE, start, result) == duration


def test_dst_spring_forward_night_has_five_hours():
    # 29 March 2026: 02:00 -> 03:00 in Madrid. 00:00-06:00 local is 5 real hours.
    assert business_time_between(NIGHT, m(2026, 3, 29, 0, 0), m(2026, 3, 29, 12, 0)) == 5 * H
    assert add_business_time(NIGHT, m(2026, 3, 29, 1, 0), 2 * H) == m(2026, 3, 29, 4, 0)


def test_dst_fall_back_night_has_seven_hours():
    # 25 October 2026: 03:00 -> 02:00. 00:00-06:00 local is 7 real hours.
    assert business_time_between(NIGHT, m(2026, 10, 25, 0, 0), m(2026, 10, 25, 12, 0)) == 7 * H
    assert add_business_time(NIGHT, m(2026, 10, 25, 0, 0), 7 * H) == m(2026, 10, 25, 6, 0)


def test_office_hours_keep_wall_clock_across_dst():
    # Friday 27 March 18:00 CET + 5h -> Monday 30 March 10:00 CEST (Saturday 10-13 counts).
    due = add_business_time(SCHEDULE, m(2026, 3, 27, 18, 0), 5 * H)
    assert due == m(2026, 3, 30, 10, 0)
    assert due.utcoffset() == 2 * H


def test_regional_holidays_differ():
    catalonia = Schedule(subdivision="CT", hours={d: SPLIT for d in range(5)})
    madrid = Schedule(subdivision="MD", hours={d: SPLIT for d in range(5)})
    # 26 Dec 2025 (Friday): Sant Esteve in Catalonia, a working day in Madrid.
    day = m(2025, 12, 26, 10, 0)
    assert is_open(madrid, day)
    assert not is_open(catalonia, day)
    assert dt.date(2026, 12, 8) in public_holidays("ES", "", 2026)


def test_extra_working_day_opens_a_holiday_and_a_saturday():
    schedule = Schedule(
        subdivision="MD",
        hours={d: SPLIT for d in range(5)},
        working_dates=frozenset({dt.date(2026, 12, 8), dt.date(2026, 12, 12)}),
    )
    assert is_open(schedule, m(2026, 12, 8, 10, 0))
    assert is_open(schedule, m(2026, 12, 12, 17, 0))  # a Saturday borrows Monday's hours
    assert not is_open(schedule, m(2026, 12, 13, 10, 0))


def test_is_open_and_next_open_edges():
    assert is_open(SCHEDULE, m(2026, 11, 23, 9, 0))
    assert not is_open(SCHEDULE, m(2026, 11, 23, 14, 0))  # the closing instant is closed
    assert next_open(SCHEDULE, m(2026, 11, 23, 14, 0)) == m(2026, 11, 23, 16, 0)
    assert next_open(SCHEDULE, m(2026, 11, 23, 10, 5)) == m(2026, 11, 23, 10, 5)
    assert next_open(SCHEDULE, m(2026, 12, 24, 20, 0)) == m(2026, 12, 26, 10, 0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        add_business_time(SCHEDULE, dt.datetime(2026, 11, 23, 10), H)
    with pytest.raises(ValueError):
        add_business_time(SCHEDULE, m(2026, 11, 23, 10), -H)
    with pytest.raises(CalendarNeverOpen):
        add_business_time(Schedule(hours={}), m(2026, 11, 23, 10), H)
    assert business_time_between(SCHEDULE, m(2026, 11, 24), m(2026, 11, 23)) == dt.timedelta(0)


def test_overlapping_rows_are_merged():
    schedule = Schedule(country="", hours={0: ((T(9), T(14)), (T(12), T(18)))})
    assert business_time_between(schedule, m(2026, 11, 23), m(2026, 11, 24)) == 9 * H


# --- properties -------------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(dt.UTC)
)
durations = st.integers(min_value=0, max_value=200 * 60).map(lambda n: dt.timedelta(minutes=n))
schedules = st.sampled_from([SCHEDULE, NIGHT])


@settings(max_examples=300, deadline=None)
@given(schedule=schedules, start=instants, duration=durations)
def test_round_trip_and_never_closed(schedule, start, duration):
    due = add_business_time(schedule, start, duration)
    assert due >= start
    assert business_time_between(schedule, start, due) == duration
    if duration:
        # ends inside an open interval or exactly at its closing instant
        assert is_open(schedule, due - dt.timedelta(microseconds=1))
        # and is the earliest such instant: a moment earlier, less time had passed
        assert business_time_between(schedule, start, due - dt.timedelta(seconds=1)) < duration


@settings(max_examples=200, deadline=None)
@given(schedule=schedules, start=instants, a=durations, b=durations)
def test_monotonic_in_duration(schedule, start, a, b):
    lo, hi = sorted((a, b))
    assert add_business_time(schedule, start, lo) <= add_business_time(schedule, start, hi)


@settings(max_examples=200, deadline=None)
@given(schedule=schedules, start=instants, later=instants, duration=durations)
def test_monotonic_in_start(schedule, start, later, duration):
    first, second = sorted((start, later))
    assert add_business_time(schedule, first, duration) <= add_business_time(schedule, second, duration)


@settings(max_examples=200, deadline=None)
@given(schedule=schedules, a=instants, b=instants, c=instants)
def test_between_is_additive(schedule, a, b, c):
    a, b, c = sorted((a, b, c))
    total = business_time_between(schedule, a, c)
    assert total == business_time_between(schedule, a, b) + business_time_between(schedule, b, c)
    assert total <= c - a


@settings(max_examples=200, deadline=None)
@given(schedule=schedules, at=instants)
def test_next_open_is_open(schedule, at):
    opened = next_open(schedule, at)
    assert opened >= at
    assert is_open(schedule, opened)
    assert business_time_between(schedule, at, opened) == dt.timedelta(0)
