"""Pure arithmetic of an interest-free schedule: split a principal, lay out due dates.

`split(principal, n)` returns n amounts in cents that sum exactly to the principal; the cents that
do not divide evenly go one each to the first instalments, so any two differ by at most 0.01.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

CENT = Decimal("0.01")
MAX_INSTALMENTS = 60
MAX_PRINCIPAL = Decimal("10000000.00")


def split(principal: Decimal, n: int) -> list[Decimal]:
    if n < 1:
        raise ValueError("n must be at least 1")
    if principal != principal.quantize(CENT):
        raise ValueError("principal must be a whole number of cents")
    cents = int(principal * 100)
    if cents < n:
        raise ValueError("principal is smaller than one cent per instalment")
    base, remainder = divmod(cents, n)
    return [(Decimal(base + (1 if i < remainder else 0)) / 100).quantize(CENT) for i in range(n)]


def add_months(day: dt.date, months: int, *, anchor_day: int | None = None) -> dt.date:
    """`day` plus `months`, on `anchor_day` (default day.day) clamped to the month's last day."""
    anchor = anchor_day or day.day
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


def due_dates(
    first: dt.date, n: int, *, interval: str = "monthly", interval_days: int | None = None
) -> list[dt.date]:
    if interval == "monthly":
        return [add_months(first, k, anchor_day=first.day) for k in range(n)]
    if not interval_days or interval_days < 1:
        raise ValueError("a custom interval needs a number of days")
    return [first + dt.timedelta(days=interval_days * k) for k in range(n)]
