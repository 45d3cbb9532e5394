"""SLA clock arithmetic without the database: pause intervals and due times in business time.

`schedule` is a core.calendars Schedule (or BusinessCalendar) or None for a 24x7 clock, where
business time is plain elapsed time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from postventa.core import calendars

# Statuses that stop every clock: waiting on the customer, parked by the team, or done.
PAUSED_STATUSES = frozenset({"pending", "on_hold", "solved", "closed"})

Interval = tuple[dt.datetime, dt.datetime | None]  # end None: still paused now


def is_around_the_clock(schedule) -> bool:
    """A calendar explicitly open all day (00:00 to 23:59 or later) on all seven weekdays.

    Such a calendar counts round the clock, holidays included: a 24x7 desk does not close.
    """
    from postventa.core.calendars import _merge

    hours = getattr(schedule, "hours", None) or {}
    for weekday in range(7):
        merged = _merge(hours.get(weekday, ()))
        if not merged or merged[0][0] > dt.time(0, 0) or merged[0][1] < dt.time(23, 59):
            return False
    return True


def add_time(schedule, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    if schedule is None:
        return start + duration
    return calendars.add_business_time(schedule, start, duration)


def time_between(schedule, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    if schedule is None:
        return max(end - start, dt.timedelta(0))
    return calendars.business_time_between(schedule, start, end)


def pause_intervals(
    created_at: dt.datetime, transitions: Iterable[tuple[dt.datetime, str, str]], current_status: str
) -> list[Interval]:
    """Intervals spent in a paused status, from status changes (when, old, new) in time order.

    The status before the first change is that change's old value (else the current status),
    so a ticket created straight into "pending" starts paused.
    """
    transitions = sorted(transitions, key=lambda t: t[0])
    status = transitions[0][1] if transitions else current_status
    out: list[Interval] = []
    since: dt.datetime | None = created_at if status in PAUSED_STATUSES else None
    for when, _old, new in transitions:
        paused = new in PAUSED_STATUSES
        if paused and since is None:
            since = when
        elif not paused and since is not None:
            if when > since:
                out.append((since, when))
            since = None
    if since is not None:
        out.append((since, None))
    return out


@dataclasses.dataclass(frozen=True)
class Clock:
    due_at: dt.datetime
    warn_at: dt.datetime
    paused: dt.timedelta  # business time paused before the due time
    paused_since: dt.datetime | None  # the open pause, when the clock is paused now


def compute(
    schedule,
    *,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Sequence[Interval],
    now: dt.datetime,
    until: dt.datetime | None = None,
    warn_before: dt.timedelta = dt.timedelta(0),
) -> Clock:
    """Due time of a clock started at `start` with `target` business time, extended by pauses.

    Only pauses that begin before the (running) due time count: a pause after a breach does not
    undo it. `until` (achieved at) ends the clock: later pauses are ignored. An open pause counts
    up to `now`, so the stored due time is right at the moment it is computed.
    """
    paused = dt.timedelta(0)
    due = add_time(schedule, start, target)
    paused_since = None
    stop = until or now
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        end = p_end or now
        p_start = max(p_start, start)
        if p_start >= due or p_start >= stop:
            continue
        end = min(end, stop)
        if p_end is None and until is None:
            paused_since = p_start
        if end <= p_start:
            continue
        paused += time_between(schedule, p_start, end)
        due = add_time(schedule, start, target + paused)
    warn_lead = target + paused - warn_before
    warn_at = add_time(schedule, start, warn_lead) if warn_lead > dt.timedelta(0) else start
    return Clock(due_at=due, warn_at=warn_at, paused=paused, paused_since=paused_since)
