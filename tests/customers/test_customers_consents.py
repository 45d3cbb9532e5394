"""Consents (history, consent_allows) and quiet hours."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from postventa.core.errors import ValidationFailed
from postventa.core.models import OutboxEvent
from postventa.customers.consents import consent_grant, consent_withdraw
from postventa.customers.models import Consent, ConsentEvent, TimelineEntry
from postventa.customers.preferences import preferences_quiet_until
from postventa.customers.selectors import consent_allows
from postventa.customers.services import customer_create
from postventa.customers.timeline import render


@pytest.mark.django_db
def test_history_is_kept_and_state_follows(agent):
    c = customer_create(acting_user=agent, first_name="Ana")
    consent_grant(
        customer=c,
        channel="email",
        purpose="marketing",
        source="web_form",
        text_version="2026-01",
        proof={"ip": "203.0.113.7", "form_url": "https://shop.example/newsletter"},
    )
    consent_withdraw(customer=c, channel="email", purpose="marketing", source="console", acting_user=agent)
    consent_grant(customer=c, channel="email", purpose="marketing", source="portal")
    events = list(ConsentEvent.objects.filter(customer=c).order_by("occurred_at", "id"))
    assert [e.status for e in events] == ["granted", "withdrawn", "granted"]
    assert events[0].proof["ip"] == "203.0.113.7"
    assert events[0].text_version == "2026-01"
    assert events[1].actor == agent
    assert Consent.objects.get(customer=c, channel="email", purpose="marketing").source == "portal"
    changed = list(OutboxEvent.objects.filter(type="consent.changed").order_by("occurred_at"))
    assert [(e.payload["old_status"], e.payload["status"]) for e in changed] == [
        (None, "granted"),
        ("granted", "withdrawn"),
        ("withdrawn", "granted"),
    ]
    kinds = list(
        TimelineEntry.objects.filter(customer=c, kind__startswith="consent.").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["consent.granted", "consent.granted", "consent.withdrawn"]
    entry = TimelineEntry.objects.filter(customer=c, kind="consent.withdrawn").get()
    with translation.override("en"):
        assert render(entry) == "Consent withdrawn: Marketing by Email"
    with translation.override("es"):
        assert render(entry) == "Consentimiento retirado: Marketing por Correo electrónico"


@pytest.mark.django_db
def test_consent_allows_rules(agent):
    a = customer_create(acting_user=agent, first_name="Ana")
    b = customer_create(acting_user=agent, first_name="Bea")
    # Transactional: allowed unless explicitly withdrawn; marketing/surveys: only with a grant.
    assert consent_allows(a, "email", "transactional") is True
    assert consent_allows(a, "email", "marketing") is False
    assert consent_allows(a, "sms", "surveys") is False
    consent_grant(customer=a, channel="email", purpose="marketing", source="web_form")
    consent_withdraw(customer=a, channel="sms", purpose="transactional", source="portal")
    assert consent_allows(a, "email", "marketing") is True
    assert consent_allows(a, "whatsapp", "marketing") is False  # per channel
    assert consent_allows(a, "sms", "transactional") is False
    # Customer B is not affected by A's consents.
    assert consent_allows(b, "email", "marketing") is False
    assert consent_allows(b, "sms", "transactional") is True
    consent_withdraw(customer=a, channel="email", purpose="marketing", source="portal")
    assert consent_allows(a, "email", "marketing") is False


@pytest.mark.django_db
def test_consent_input_is_validated(agent, analyst):
    c = customer_create(acting_user=agent, first_name="Ana")
    for bad in ({"channel": "fax"}, {"purpose": "spam"}, {"source": "guess"}):
        args = {"channel": "email", "purpose": "marketing", "source": "console", **bad}
        with pytest.raises(ValidationFailed):
            consent_grant(customer=c, acting_user=agent, **args)
    with pytest.raises(ValidationFailed):
        consent_grant(customer=c, channel="email", purpose="marketing", source="console", proof=["x"])
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        consent_grant(customer=c, channel="email", purpose="marketing", source="console", acting_user=analyst)
    assert ConsentEvent.objects.count() == 0


def _cust(start, end, tz="Europe/Madrid"):
    return SimpleNamespace(quiet_start=start, quiet_end=end, time_zone=tz)


MADRID = ZoneInfo("Europe/Madrid")


def test_quiet_hours_same_day_window():
    c = _cust(dt.time(13, 0), dt.time(16, 0))
    inside = dt.datetime(2026, 3, 2, 14, 30, tzinfo=MADRID)
    assert preferences_quiet_until(c, inside) == dt.datetime(2026, 3, 2, 16, 0, tzinfo=MADRID)
    assert preferences_quiet_until(c, dt.datetime(2026, 3, 2, 16, 0, tzinfo=MADRID)) is None
    assert preferences_quiet_until(c, dt.datetime(2026, 3, 2, 12, 59, tzinfo=MADRID)) is None


def test_quiet_hours_overnight_window():
    c = _cust(dt.time(22, 0), dt.time(8, 0))
    evening = dt.datetime(2026, 3, 2, 23, 15, tzinfo=MADRID)
    assert preferences_quiet_until(c, evening) == dt.datetime(2026, 3, 3, 8, 0, tzinfo=MADRID)
    early = dt.datetime(2026, 3, 3, 6, 0, tzinfo=MADRID)
    assert preferences_quiet_until(c, early) == dt.datetime(2026, 3, 3, 8, 0, tzinfo=MADRID)
    assert preferences_quiet_until(c, dt.datetime(2026, 3, 3, 12, 0, tzinfo=MADRID)) is None
    assert preferences_quiet_until(c, dt.datetime(2026, 3, 3, 8, 0, tzinfo=MADRID)) is None


def test_quiet_hours_use_the_customers_time_zone():
    # 21:30 UTC is 22:30 in Madrid (winter) but 18:30 in Buenos Aires.
    now = dt.datetime(2026, 1, 15, 21, 30, tzinfo=dt.UTC)
    madrid = _cust(dt.time(22, 0), dt.time(8, 0), "Europe/Madrid")
    buenos_aires = _cust(dt.time(22, 0), dt.time(8, 0), "America/Argentina/Buenos_Aires")
    until = preferences_quiet_until(madrid, now)
    assert until.astimezone(dt.UTC) == dt.datetime(2026, 1, 16, 7, 0, tzinfo=dt.UTC)
    assert preferences_quiet_until(buenos_aires, now) is None


def test_quiet_hours_across_dst_change():
    # Night of 28-29 March 2026: Madrid moves from UTC+1 to UTC+2; 08:00 local is 06:00 UTC.
    c = _cust(dt.time(22, 0), dt.time(8, 0))
    now = dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)
    assert preferences_quiet_until(c, now).astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)


def test_no_quiet_hours():
    now = dt.datetime(2026, 1, 15, 23, 0, tzinfo=dt.UTC)
    assert preferences_quiet_until(_cust(None, None), now) is None
    assert preferences_quiet_until(_cust(dt.time(9), dt.time(9)), now) is None
    with pytest.raises(ValueError):
        preferences_quiet_until(_cust(dt.time(22), dt.time(8)), dt.datetime(2026, 1, 1, 23, 0))
