"""Calendar services and console settings pages: rows, audit, permissions, rendering."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from postventa.core import calendar_services as services
from postventa.core.calendars import add_business_time, cached_schedule, load_schedule
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry, BusinessCalendar, CustomHoliday, WeeklyHours

pytestmark = pytest.mark.django_db
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
T = dt.time


def _office(supervisor, name="Madrid office", **kw):
    return services.calendar_save(
        acting_user=supervisor,
        name=name,
        time_zone="Europe/Madrid",
        subdivision=kw.get("subdivision", "MD"),
        is_default=kw.get("is_default", False),
        hours={d: [(T(9), T(14)), (T(16), T(19))] for d in range(5)},
    )


def test_save_writes_hours_audits_and_first_is_default(supervisor):
    calendar = _office(supervisor)
    assert calendar.is_default  # the first calendar becomes the default
    assert WeeklyHours.objects.filter(calendar=calendar).count() == 10
    entry = AuditEntry.objects.get(action="calendar.created")
    assert entry.actor == supervisor
    assert entry.changes["subdivision"] == [None, "MD"]
    assert services.default_calendar() == calendar

    second = _office(supervisor, name="Barcelona", subdivision="CT", is_default=True)
    calendar.refresh_from_db()
    assert second.is_default and not calendar.is_default


def test_update_replaces_hours_and_audits_the_diff(supervisor):
    calendar = _office(supervisor)
    services.calendar_save(
        acting_user=supervisor,
        calendar_id=calendar.pk,
        name="Madrid office",
        time_zone="Europe/Madrid",
        subdivision="MD",
        is_default=True,
        hours={0: [(T(8), T(15))]},
    )
    assert list(WeeklyHours.objects.filter(calendar=calendar).values_list("weekday", "start", "end")) == [
        (0, T(8), T(15))
    ]
    entry = AuditEntry.objects.get(action="calendar.updated")
    assert entry.changes["hours"][1] == ["0 08:00-15:00"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": ""}, "name_missing"),
        ({"time_zone": "Mars/Olympus"}, "time_zone_invalid"),
        ({"subdivision": "XX"}, "subdivision_invalid"),
        ({"hours": {0: [(T(14), T(9))]}}, "interval_invalid"),
        ({"hours": {0: [(T(9), T(14)), (T(13), T(18))]}}, "interval_overlap"),
        ({"hours": {7: [(T(9), T(14))]}}, "weekday_invalid"),
    ],
)
def test_bad_input_is_refused(supervisor, kwargs, code):
    data = {"name": "X", "time_zone": "Europe/Madrid", "subdivision": "", "is_default": False, "hours": {}}
    data.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.calendar_save(acting_user=supervisor, **data)
    assert exc.value.code == code
    assert not BusinessCalendar.objects.exists()


def test_agents_may_not_edit_calendars(agent):
    with pytest.raises(PermissionDenied):
        _office(agent)


def test_custom_holiday_closes_the_day_in_arithmetic(supervisor):
    calendar = _office(supervisor)
    services.holiday_add(
        acting_user=supervisor, calendar_id=calendar.pk, date=dt.date(2026, 5, 15), name="San Isidro"
    )
    start = dt.datetime(2026, 5, 14, 18, 0, tzinfo=MADRID)
    assert add_business_time(calendar, start, dt.timedelta(hours=2)) == dt.datetime(
        2026, 5, 18, 10, 0, tzinfo=MADRID
    )
    assert load_schedule(calendar).closed_dates == {dt.date(2026, 5, 15): "San Isidro"}
    with pytest.raises(ValidationFailed):
        services.holiday_add(
            acting_user=supervisor, calendar_id=calendar.pk, date=dt.date(2026, 5, 15), name="Again"
        )
    holiday = CustomHoliday.objects.get()
    services.holiday_remove(acting_user=supervisor, calendar_id=calendar.pk, holiday_id=holiday.pk)
    assert not CustomHoliday.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="calendar.holiday_").count() == 2


def test_default_calendar_cannot_be_deleted(supervisor):
    calendar = _office(supervisor)
    other = _office(supervisor, name="Other")
    with pytest.raises(ValidationFailed):
        services.calendar_delete(acting_user=supervisor, calendar_id=calendar.pk)
    services.calendar_delete(acting_user=supervisor, calendar_id=other.pk)
    assert list(BusinessCalendar.objects.values_list("name", flat=True)) == ["Madrid office"]


# --- console pages -----------------------------------------------------------------------------------


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_list_page_renders_with_bounded_queries(supervisor_client, supervisor, django_assert_max_num_queries):
    for n in range(4):
        _office(supervisor, name=f"Office {n}")
    with django_assert_max_num_queries(12):
        res = supervisor_client.get("/console/settings/calendars/")
    assert res.status_code == 200
    assert b"Office 3" in res.content


def test_agent_gets_403(console_client):
    assert console_client.get("/console/settings/calendars/").status_code == 403


def test_create_through_the_form(supervisor_client):
    data = {"name": "Sevilla", "time_zone": "Europe/Madrid", "subdivision": "AN", "is_default": "on"}
    data.update({"h0_1_start": "09:00", "h0_1_end": "14:00", "h0_2_start": "16:00", "h0_2_end": "19:00"})
    data.update({"h5_1_start": "10:00", "h5_1_end": "13:00"})
    res = supervisor_client.post("/console/settings/calendars/new/", data)
    assert res.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Sevilla")
    assert calendar.subdivision == "AN"
    assert sorted(calendar.hours.values_list("weekday", "start")) == [(0, T(9)), (0, T(16)), (5, T(10))]

    page = supervisor_client.get(res["Location"])
    assert page.status_code == 200
    assert b'value="16:00"' in page.content
    assert "Andalucía".encode() in page.content


def test_form_errors_keep_input(supervisor_client):
    data = {
        "name": "Bad",
        "time_zone": "Europe/Madrid",
        "subdivision": "",
        "h1_1_start": "18:00",
        "h1_1_end": "09:00",
    }
    res = supervisor_client.post("/console/settings/calendars/new/", data)
    assert res.status_code == 400
    assert b'value="18:00"' in res.content
    res = supervisor_client.post("/console/settings/calendars/new/", {**data, "h1_1_end": "nope"})
    assert res.status_code == 400
    assert not BusinessCalendar.objects.exists()


def test_edit_page_lists_next_holidays_and_custom_days(supervisor_client, supervisor):
    calendar = _office(supervisor)
    res = supervisor_client.post(
        f"/console/settings/calendars/{calendar.pk}/holidays/",
        {"date": "2027-05-15", "holiday_name": "San Isidro"},
    )
    assert res.status_code == 302
    page = supervisor_client.get(f"/console/settings/calendars/{calendar.pk}/")
    assert page.status_code == 200
    assert b"San Isidro" in page.content
    assert len(page.context["upcoming"]) == 10
    assert page.context["upcoming"] == sorted(page.context["upcoming"])
    assert supervisor_client.get("/console/settings/calendars/999/").status_code == 404


def test_cached_schedule_follows_changes(supervisor, django_assert_num_queries):
    calendar = _office(supervisor)
    first = cached_schedule(BusinessCalendar.objects.get(pk=calendar.pk))
    with django_assert_num_queries(0):
        assert cached_schedule(calendar) is first
    services.holiday_add(
        acting_user=supervisor, calendar_id=calendar.pk, date=dt.date(2026, 5, 15), name="San Isidro"
    )
    fresh = cached_schedule(BusinessCalendar.objects.get(pk=calendar.pk))
    assert fresh.closed_dates == {dt.date(2026, 5, 15): "San Isidro"}
    assert first.closed_dates == {}
