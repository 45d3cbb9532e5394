"""Eligibility table: delivery at the boundaries, time zones, category exclusions, own window."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from postventa.aftercare.returns.eligibility import order_eligibility
from postventa.aftercare.returns.models import CategoryRule, ReturnPolicy

UTC = dt.UTC
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def _at(y, m, d, h=12, mi=0, tz=MADRID):
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


@pytest.fixture
def policy(db):
    return ReturnPolicy.objects.get(is_active=True)  # 14 days by law, 30 of our own


@pytest.mark.parametrize(
    "now, eligible, code",
    [
        (_at(2026, 11, 25, 20), True, "withdrawal"),  # the delivery day itself
        (_at(2026, 12, 9, 23, 59), True, "withdrawal"),  # last minute of the 14th day
        (_at(2026, 12, 10, 0, 1), True, "business_window"),  # day 15: our own 30 days
        (_at(2026, 12, 25, 23, 59), True, "business_window"),  # last minute of day 30
        (_at(2026, 12, 26, 0, 0), False, "window_over"),
    ],
)
def test_windows_count_whole_days_in_the_customers_time_zone(
    customer, make_order, policy, now, eligible, code
):
    order = make_order(customer, delivered=_at(2026, 11, 25, 10))
    lines = order_eligibility(order, now=now)
    assert [item.code for item in lines] == [code, code]
    assert all(item.eligible is eligible for item in lines)


def test_the_sentence_names_the_last_day_in_the_customers_language(customer, make_order, policy):
    order = make_order(customer, delivered=_at(2026, 11, 25, 10))
    with translation.override("es"):
        item = order_eligibility(order, now=_at(2026, 11, 26))[0]
    assert (
        item.sentence
        == "Puede devolverlo hasta el 9 de diciembre: está dentro de los 14 días de desistimiento."
    )
    with translation.override("en"):
        item = order_eligibility(order, now=_at(2026, 12, 26, 1))[0]
    assert item.sentence.startswith("The return period ended on 25 December")


def test_a_delivery_late_in_the_evening_in_utc_is_the_next_day_in_madrid(customer, make_order, policy):
    # 23:30 UTC on 25 November is 00:30 on 26 November in Madrid: the 14 days start there.
    order = make_order(customer, delivered=dt.datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    item = order_eligibility(order, now=_at(2026, 12, 10, 12))[0]
    assert item.code == "withdrawal"
    assert item.window_ends_on == dt.date(2026, 12, 26)


def test_a_customer_in_another_time_zone_counts_their_own_days(make_customer, make_order, policy):
    # In Mexico City it is still 9 December when Madrid is already on the 10th.
    customer = make_customer(email="ana@example.mx", time_zone="America/Mexico_City")
    order = make_order(customer, delivered=dt.datetime(2026, 11, 25, 18, tzinfo=UTC))  # 12:00 in Mexico
    policy.business_window_days = 14
    policy.save()
    late_evening = dt.datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 23:00 on 9 Dec in Mexico
    assert order_eligibility(order, now=late_evening)[0].eligible is True
    next_morning = dt.datetime(2026, 12, 10, 7, 0, tzinfo=UTC)  # 01:00 on 10 Dec in Mexico
    assert order_eligibility(order, now=next_morning)[0].eligible is False


def test_category_exclusions_and_own_windows(customer, make_order, make_category, policy):
    order = make_order(
        customer,
        delivered=_at(2026, 11, 1),
        lines=[
            ("EARBUD-1", 1, "40.00", "earphones"),
            ("CUSTOM-1", 1, "90.00", "custom"),
            ("SOFA-1", 1, "500.00", "furniture"),
        ],
    )
    CategoryRule.objects.create(policy=policy, category=make_category("earphones"), exclusion="hygiene")
    CategoryRule.objects.create(policy=policy, category=make_category("custom"), exclusion="custom")
    CategoryRule.objects.create(
        policy=policy,
        category=make_category("furniture"),
        window_days=60,
        condition_en="In its original packaging.",
    )
    with translation.override("en"):
        earbud, custom, sofa = order_eligibility(order, now=_at(2026, 12, 15))
    assert (earbud.eligible, earbud.code) == (False, "excluded")
    assert "hygiene" in earbud.sentence
    assert (custom.eligible, custom.code) == (False, "excluded")
    assert "personalised" in custom.sentence
    assert (sofa.eligible, sofa.code, sofa.window_ends_on) == (True, "business_window", dt.date(2026, 12, 31))
    assert sofa.sentence.endswith("Condition: In its original packaging.")


def test_an_order_not_yet_delivered_cannot_be_returned(customer, make_order, policy):
    order = make_order(customer, status="shipped")
    assert {item.code for item in order_eligibility(order)} == {"not_delivered"}
