"""Communication preferences: quiet hours in the customer's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "Europe/Madrid")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Madrid")


def preferences_quiet_until(customer, now: dt.datetime) -> dt.datetime | None:
    """When the customer's quiet hours end (aware, in their zone), or None if not quiet at `now`.

    Pure: reads only customer.quiet_start/quiet_end/time_zone. A window with start > end runs
    overnight (22:00-08:00); start == end means no quiet hours.
    """
    start, end = customer.quiet_start, customer.quiet_end
    if start is None or end is None or start == end:
        return None
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    tz = _zone(customer.time_zone)
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    today = local.date()

    def at(day: dt.date, when: dt.time) -> dt.datetime:
        # Built from wall-clock time so DST changes keep "08:00" meaning 08:00 local.
        return dt.datetime.combine(day, when, tzinfo=tz)

    if start < end:  # same-day window, e.g. 13:00-16:00
        return at(today, end) if start <= t < end else None
    if t >= start:  # overnight window, evening part: ends tomorrow
        return at(today + dt.timedelta(days=1), end)
    if t < end:  # overnight window, morning part: ends today
        return at(today, end)
    return None
