"""Interest-free by construction: no field can hold interest or charges, schedules always sum to the
principal, and nothing (paying late, being overdue) ever changes an amount."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st

from postventa.aftercare.payment_plans import schedule

FORBIDDEN = re.compile(r"interest|apr|fee|surcharge|late|penalt|rate|charge|commission|financ", re.I)


def offending(name: str) -> list[str]:
    """The words of a field name that speak of interest or charges ("related" or "template" do not)."""
    return [part for part in name.lower().split("_") if FORBIDDEN.match(part)]


def test_no_model_field_can_hold_interest_or_charges():
    models = list(apps.get_app_config("payment_plans").get_models())
    assert {m.__name__ for m in models} >= {"PaymentPlan", "Instalment"}
    names = [(m.__name__, f.name) for m in models for f in m._meta.get_fields()]
    # "late" inside a longer word (e.g. "template", "related") would be a false alarm: check words
    offending = [
        (m, n)
        for m, n in names
        if any(FORBIDDEN.fullmatch(part) or FORBIDDEN.match(part) for part in n.split("_"))
    ]
    assert offending == []
    # and no column anywhere in the app's tables
    columns = [f.column for m in models for f in m._meta.concrete_fields]
    assert not [
        c for c in columns if FORBIDDEN.search(c) and c not in ("created_at", "updated_at", "completed_at")
    ]


def test_the_forbidden_word_check_would_catch_one():
    assert offending("late_interest_amount") == ["late", "interest"]
    assert offending("apr") == ["apr"]
    assert offending("fee_total") == ["fee"]
    assert offending("related_template") == []


@settings(max_examples=400, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=1_000_000_000),
    n=st.integers(min_value=1, max_value=60),
)
def test_split_sums_exactly_and_is_even(cents, n):
    principal = Decimal(cents) / 100
    if cents < n:  # less than a cent per instalment is refused, never rounded to zero
        try:
            schedule.split(principal, n)
        except ValueError:
            return
        raise AssertionError("a split with zero-cent instalments was accepted")
    parts = schedule.split(principal, n)
    assert len(parts) == n
    assert sum(parts) == principal
    assert max(parts) - min(parts) <= Decimal("0.01")
    assert all(p > 0 and p == p.quantize(Decimal("0.01")) for p in parts)
    assert parts == sorted(parts, reverse=True)  # the extra cents go on the first instalments


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_monthly_due_dates_keep_the_day_and_never_repeat(first, n):
    days = schedule.due_dates(first, n)
    assert days[0] == first
    assert days == sorted(set(days))
    for k, day in enumerate(days):
        month_index = first.month - 1 + k
        assert (day.year, day.month) == (first.year + month_index // 12, month_index % 12 + 1)
        assert day.day == first.day or day.day < first.day  # clamped only at a short month's end
