"""Property tests of the legal guarantee arithmetic on the seeded rules (no database)."""

from __future__ import annotations

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from postventa.aftercare.warranties.coverage import add_months, legal_period, local_date
from postventa.aftercare.warranties.models import Jurisdiction, LegalRule

seed = importlib.import_module("postventa.aftercare.warranties.migrations.0002_seed_jurisdictions")


def _rules(code: str) -> list[LegalRule]:
    data = next(j for j in seed.JURISDICTIONS if j["code"] == code)
    jurisdiction = Jurisdiction(code=code)
    return [
        LegalRule(
            jurisdiction=jurisdiction,
            kind=kind,
            delivered_from=start,
            months=months,
            min_months=min_months,
            presumption_months=presumption,
            reference=ref,
        )
        for kind, start, months, min_months, presumption, ref in data["rules"]
    ]


ES = _rules("ES")
EU = _rules("EU")
REFORM = dt.date(2022, 1, 1)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
kinds = st.sampled_from(["goods", "digital", "service", "second_hand"])


def test_boundary_of_the_2022_reform():
    assert legal_period(dt.date(2021, 12, 31), rules=ES).ends_on == dt.date(2023, 12, 31)
    assert legal_period(dt.date(2022, 1, 1), rules=ES).ends_on == dt.date(2025, 1, 1)
    assert legal_period(dt.date(2021, 12, 31), rules=ES).presumption_until == dt.date(2022, 6, 30)
    assert legal_period(dt.date(2022, 1, 1), rules=ES).presumption_until == dt.date(2024, 1, 1)


@given(days)
def test_goods_get_two_years_before_2022_and_three_after(day):
    period = legal_period(day, rules=ES)
    if day < REFORM:
        assert (period.months, period.presumption_months) == (24, 6)
    else:
        assert (period.months, period.presumption_months) == (36, 24)
    assert period.ends_on == add_months(day, period.months)


@given(days, days)
def test_ends_on_is_monotonic_in_the_delivery_day(a, b):
    first, second = sorted((a, b))
    for kind in ("goods", "digital", "service", "second_hand"):
        assert (
            legal_period(first, rules=ES, kind=kind).ends_on
            <= legal_period(second, rules=ES, kind=kind).ends_on
        )
        assert (
            legal_period(first, rules=EU, kind=kind).ends_on
            <= legal_period(second, rules=EU, kind=kind).ends_on
        )


@given(days, st.integers(min_value=1, max_value=60))
def test_second_hand_never_under_one_year(day, agreed):
    for rules in (ES, EU):
        period = legal_period(day, rules=rules, kind="second_hand", agreed_months=agreed)
        assert period.months >= 12
        assert period.ends_on >= add_months(day, 12)
        assert period.months == max(12, agreed)


@given(days, kinds)
def test_presumption_never_outlasts_the_guarantee(day, kind):
    for rules in (ES, EU):
        period = legal_period(
            day, rules=rules, kind=kind, agreed_months=12 if kind == "second_hand" else None
        )
        assert day < period.presumption_until <= period.ends_on


@given(days)
def test_digital_content_and_services_get_two_years(day):
    for kind in ("digital", "service"):
        assert legal_period(day, rules=ES, kind=kind).months == 24


@given(days)
def test_eu_minimum_is_two_years_with_one_year_presumption(day):
    period = legal_period(day, rules=EU)
    assert (period.months, period.presumption_months) == (24, 12)


@given(
    st.integers(min_value=2000, max_value=2060).filter(lambda y: y % 4 == 0 and (y % 100 or y % 400 == 0)),
    st.integers(1, 10),
)
def test_leap_day_ends_on_28_february_in_common_years(year, years):
    start = dt.date(year, 2, 29)
    end = add_months(start, 12 * years)
    end_year = year + years
    leap = end_year % 4 == 0 and (end_year % 100 != 0 or end_year % 400 == 0)
    assert end == dt.date(end_year, 2, 29 if leap else 28)


@given(days, st.integers(min_value=1, max_value=240))
def test_month_arithmetic_keeps_the_day_or_clamps_to_month_end(day, months):
    end = add_months(day, months)
    assert (end.year * 12 + end.month) - (day.year * 12 + day.month) == months
    assert end.day == day.day or (end.day < day.day and (end + dt.timedelta(days=1)).day == 1)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2060, 1, 1)))
def test_madrid_day_is_the_utc_day_or_the_next(moment):
    aware = moment.replace(tzinfo=dt.UTC)
    local = local_date(aware, "Europe/Madrid")
    assert local in (aware.date(), aware.date() + dt.timedelta(days=1))
    assert local == aware.astimezone(ZoneInfo("Europe/Madrid")).date()


def test_late_utc_delivery_on_new_year_eve_is_2022_in_madrid():
    day = local_date(dt.datetime(2021, 12, 31, 23, 30, tzinfo=dt.UTC), "Europe/Madrid")
    assert day == dt.date(2022, 1, 1)
    assert legal_period(day, rules=ES).months == 36
    assert local_date(dt.datetime(2021, 12, 31, 23, 30, tzinfo=dt.UTC), "America/New_York") == dt.date(
        2021, 12, 31
    )
    assert local_date(dt.datetime(2021, 12, 31, 23, 30, tzinfo=dt.UTC), "Not/AZone") == dt.date(2022, 1, 1)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2080, 12, 31)))
def test_spare_parts_ten_years_after_manufacturing_ends(ended):
    until = add_months(ended, 120)
    assert until.year == ended.year + 10
    assert until.month == ended.month
    assert until >= ended + dt.timedelta(days=3650)
