"""Business-hour arithmetic: when a calendar is open, and SLA due times counted in open time.

All functions take a `BusinessCalendar` row or a `Schedule` (a plain snapshot: load it once with
`load_schedule()` when computing many due times, so each call runs no query). Times in and out
are aware datetimes; results are in the calendar's time zone.

Elapsed time is real time: open intervals are turned into UTC instants before they are measured,
so a shift of 00:00-06:00 on the spring-forward night counts 5 hours, and wall-clock opening
hours stay put across DST changes. Shifts never span midnight (documented on the model).
Work is O(days spanned): each local day contributes its few intervals; holiday sets are cached
per (country, region, year).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Iterator

import holidays as holidays_lib

# A calendar with no opening hours at all would loop forever; beyond this many closed days in a
# row we give up with an error (a year and a bit covers any real holiday season).
MAX_CLOSED_DAYS = 400

Interval = tuple[dt.time, dt.time]


class CalendarNeverOpen(ValueError):
    """The calendar has no open time within MAX_CLOSED_DAYS of the start."""


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Everything the arithmetic needs from one calendar, without database access."""

    time_zone: str = "Europe/Madrid"
    country: str = "ES"
    subdivision: str = ""
    # weekday (0 = Monday) -> open intervals in local wall-clock time
    hours: dict[int, tuple[Interval, ...]] = dataclasses.field(default_factory=dict)
    closed_dates: dict[dt.date, str] = dataclasses.field(default_factory=dict)  # custom holidays
    working_dates: frozenset[dt.date] = frozenset()  # extra working days (open even if a holiday)

    @functools.cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @functools.cached_property
    def _merged(self) -> dict[int, tuple[Interval, ...]]:
        return {day: _merge(intervals) for day, intervals in self.hours.items()}

    def local_intervals(self, day: dt.date) -> tuple[Interval, ...]:
        """Open wall-clock intervals on local date `day` (empty when closed)."""
        if day in self.working_dates:
            # An extra working day keeps its weekday's hours; a Saturday or Sunday borrows the
            # hours of the first weekday that has any (the usual working day).
            own = self._merged.get(day.weekday())
            if own:
                return own
            return next((self._merged[d] for d in range(7) if self._merged.get(d)), ())
        if day in self.closed_dates or day in public_holidays(self.country, self.subdivision, day.year):
            return ()
        return self._merged.get(day.weekday(), ())

    def intervals(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Open intervals of local date `day` as aware UTC datetimes."""
        for start, end in self.local_intervals(day):
            s = dt.datetime.combine(day, start, tzinfo=self.tz).astimezone(dt.UTC)
            e = dt.datetime.combine(day, end, tzinfo=self.tz).astimezone(dt.UTC)
            if e > s:  # an interval inside the skipped DST hour vanishes
                yield s, e


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[list[dt.time]] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


@functools.lru_cache(maxsize=512)
def public_holidays(
    country: str, subdivision: str, year: int, language: str | None = None
) -> dict[dt.date, str]:
    """National plus regional public holidays of one year (cached: the package builds them slowly).

    `language` only changes the names ("es", "en"); the dates are the same.
    """
    try:
        found = holidays_lib.country_holidays(
            country, subdiv=subdivision or None, years=year, language=language
        )
    except NotImplementedError:  # unknown country or region: no public holidays rather than a crash
        return {}
    return dict(found)


def load_schedule(calendar) -> Schedule:
    """Snapshot a BusinessCalendar row (two queries); a Schedule passes through unchanged."""
    if isinstance(calendar, Schedule):
        return calendar
    hours: dict[int, list[Interval]] = {}
    for row in calendar.hours.all():
        hours.setdefault(row.weekday, []).append((row.start, row.end))
    closed: dict[dt.date, str] = {}
    working: set[dt.date] = set()
    for row in calendar.custom_holidays.all():
        if row.is_working_day:
            working.add(row.date)
        else:
            closed[row.date] = row.name
    return Schedule(
        time_zone=calendar.time_zone,
        country=calendar.country,
        subdivision=calendar.subdivision,
        hours={day: tuple(v) for day, v in hours.items()},
        closed_dates=closed,
        working_dates=frozenset(working),
    )


_SCHEDULES: dict[tuple[int, dt.datetime], Schedule] = {}


def cached_schedule(calendar) -> Schedule:
    """`load_schedule` remembered per (calendar id, updated_at): every change through
    calendar_services touches updated_at, so a fresh row never meets a stale schedule."""
    if isinstance(calendar, Schedule):
        return calendar
    key = (calendar.pk, calendar.updated_at)
    schedule = _SCHEDULES.get(key)
    if schedule is None:
        if len(_SCHEDULES) > 256:
            _SCHEDULES.clear()
        schedule = _SCHEDULES[key] = load_schedule(calendar)
    return schedule


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(dt.UTC)


def _days_from(schedule: Schedule, at: dt.datetime) -> Iterator[dt.date]:
    day = at.astimezone(schedule.tz).date()
    while True:
        yield day
        day += dt.timedelta(days=1)


def is_open(calendar, at: dt.datetime) -> bool:
    """True when `at` falls inside an open interval (start included, end excluded)."""
    schedule = load_schedule(calendar)
    at = _aware(at, "at")
    return any(s <= at < e for s, e in schedule.intervals(at.astimezone(schedule.tz).date()))


def next_open(calendar, at: dt.datetime) -> dt.datetime:
    """`at` itself when open, else the start of the next open interval (calendar's time zone)."""
    schedule = load_schedule(calendar)
    at = _aware(at, "at")
    for n, day in enumerate(_days_from(schedule, at)):
        if n > MAX_CLOSED_DAYS:
            raise CalendarNeverOpen("the calendar has no open hours")
        for s, e in schedule.intervals(day):
            if e > at:
                return max(s, at).astimezone(schedule.tz)
    raise AssertionError("unreachable")  # pragma: no cover


def add_business_time(calendar, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The earliest instant by which `duration` of open time has passed since `start`.

    This is an SLA due time. A positive duration ends inside an open interval or exactly at its
    closing time, never in closed time; a zero duration returns `start`.
    """
    if duration < dt.timedelta(0):
        raise ValueError("duration must not be negative")
    schedule = load_schedule(calendar)
    start = _aware(start, "start")
    if not duration:
        return start.astimezone(schedule.tz)
    remaining = duration
    closed_days = 0
    for day in _days_from(schedule, start):
        opened = False
        for s, e in schedule.intervals(day):
            if e <= start:
                continue
            opened = True
            s = max(s, start)
            if remaining <= e - s:
                return (s + remaining).astimezone(schedule.tz)
            remaining -= e - s
        closed_days = 0 if opened else closed_days + 1
        if closed_days > MAX_CLOSED_DAYS:
            raise CalendarNeverOpen("the calendar has no open hours")
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(calendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Open time inside [start, end); zero when end <= start. Sum running intervals with it."""
    schedule = load_schedule(calendar)
    start, end = _aware(start, "start"), _aware(end, "end")
    total = dt.timedelta(0)
    if end <= start:
        return total
    last_day = end.astimezone(schedule.tz).date()
    for day in _days_from(schedule, start):
        if day > last_day:
            break
        for s, e in schedule.intervals(day):
            s, e = max(s, start), min(e, end)
            if e > s:
                total += e - s
    return total


def upcoming_holidays(
    calendar, *, since: dt.date, count: int = 10, language: str | None = None
) -> list[tuple[dt.date, str]]:
    """The next `count` closed dates (public or custom) from `since` on, for settings pages."""
    schedule = load_schedule(calendar)
    found: dict[dt.date, str] = {}
    for year in (since.year, since.year + 1, since.year + 2):
        for day, name in public_holidays(schedule.country, schedule.subdivision, year, language).items():
            found[day] = name
    found.update(schedule.closed_dates)
    days = sorted(d for d in found if d >= since and d not in schedule.working_dates)
    return [(d, found[d]) for d in days[:count]]
