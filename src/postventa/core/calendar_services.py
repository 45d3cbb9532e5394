"""Writes and reads for business calendars (settings pages, API). Arithmetic is in calendars.py."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.events import emit, register_event_type
from postventa.core.models import BusinessCalendar, CustomHoliday, WeeklyHours
from postventa.core.models.calendars import SPAIN_SUBDIVISIONS
from postventa.core.permissions import require

Hours = Mapping[int, Iterable[tuple[dt.time, dt.time]]]

# Registered here, next to the only code that emits it (helpdesk_sla's ready() imports this
# module, so every process knows the type before a calendar is saved).
register_event_type(
    "calendar.updated",
    gettext_lazy("A business calendar changed (opening hours, holidays or which one is the default)"),
)


def calendar_list() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("hours").order_by("-is_default", "name", "id")


def calendar_get(calendar_id: int) -> BusinessCalendar:
    try:
        return BusinessCalendar.objects.prefetch_related("hours", "custom_holidays").get(pk=calendar_id)
    except BusinessCalendar.DoesNotExist as exc:
        raise NotFound(_("That calendar does not exist.")) from exc


def default_calendar() -> BusinessCalendar | None:
    """The calendar SLAs use when a policy names none: the one flagged default, else the oldest.

    None only while no calendar exists at all (then SLAs count around the clock). calendar_save
    flags the first calendar as the default, so the fallback only covers rows written elsewhere.
    """
    qs = BusinessCalendar.objects.prefetch_related("hours", "custom_holidays")
    return qs.filter(is_default=True).first() or qs.order_by("created_at", "id").first()


def _changed(calendar: BusinessCalendar, change: str, *, was_default: bool) -> None:
    """Tell the rest of the system (SLA clocks, webhooks) that counting in `calendar` changed.

    Emitted in the service's transaction, so it exists only if the change commits.
    `affects_default` says the policies without a calendar of their own count in it too.
    """
    emit(
        "calendar.updated",
        payload={
            "calendar_id": calendar.pk,
            "name": calendar.name,
            "change": change,
            "is_default": calendar.is_default,
            "affects_default": bool(calendar.is_default or was_default),
        },
    )


def _clean(name: str, time_zone: str, subdivision: str) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the calendar a name."), code="name_missing", extra={"field": "name"})
    if len(name) > 120:
        raise ValidationFailed(_("The name is too long."), code="name_too_long", extra={"field": "name"})
    time_zone = (time_zone or "").strip()
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            _("Unknown time zone."), code="time_zone_invalid", extra={"field": "time_zone"}
        ) from exc
    subdivision = (subdivision or "").strip().upper()
    if subdivision and subdivision not in SPAIN_SUBDIVISIONS:
        raise ValidationFailed(
            _("Unknown region."), code="subdivision_invalid", extra={"field": "subdivision"}
        )
    return name, time_zone, subdivision


def _clean_hours(hours: Hours) -> list[tuple[int, dt.time, dt.time]]:
    rows: list[tuple[int, dt.time, dt.time]] = []
    for weekday, intervals in hours.items():
        if weekday not in range(7):
            raise ValidationFailed(_("A weekday must be between Monday and Sunday."), code="weekday_invalid")
        previous_end: dt.time | None = None
        for start, end in sorted(intervals):
            if start >= end:
                raise ValidationFailed(
                    _("Each interval must close after it opens (shifts cannot cross midnight)."),
                    code="interval_invalid",
                    extra={"field": f"hours_{weekday}"},
                )
            if previous_end and start < previous_end:
                raise ValidationFailed(
                    _("Intervals on the same day must not overlap."),
                    code="interval_overlap",
                    extra={"field": f"hours_{weekday}"},
                )
            previous_end = end
            rows.append((weekday, start, end))
    return rows


def _snapshot(calendar: BusinessCalendar) -> dict:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "subdivision": calendar.subdivision,
        "is_default": calendar.is_default,
        "hours": [
            f"{h.weekday} {h.start:%H:%M}-{h.end:%H:%M}" for h in calendar.hours.order_by("weekday", "start")
        ],
    }


@transaction.atomic
def calendar_save(
    *,
    acting_user,
    calendar_id: int | None = None,
    name: str,
    time_zone: str,
    subdivision: str,
    is_default: bool,
    hours: Hours,
) -> BusinessCalendar:
    """Create (no id) or replace a calendar's settings and weekly hours; audited old -> new."""
    require(acting_user, "teams.manage")
    name, time_zone, subdivision = _clean(name, time_zone, subdivision)
    rows = _clean_hours(hours)
    clash = BusinessCalendar.objects.filter(name__iexact=name).exclude(pk=calendar_id)
    if clash.exists():
        raise ValidationFailed(
            _("Another calendar has that name."), code="name_taken", extra={"field": "name"}
        )
    if calendar_id is None:
        calendar = BusinessCalendar(name=name)
        before: dict = {}
    else:
        calendar = BusinessCalendar.objects.select_for_update().filter(pk=calendar_id).first()
        if calendar is None:
            raise NotFound(_("That calendar does not exist."))
        before = _snapshot(calendar)
    was_default = bool(before.get("is_default"))
    if is_default:
        BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar_id).update(is_default=False)
    elif calendar_id is None and not BusinessCalendar.objects.exists():
        is_default = True  # the first calendar is the default: SLAs always have one to count in
    calendar.name, calendar.time_zone, calendar.subdivision = name, time_zone, subdivision
    calendar.country, calendar.is_default = "ES", is_default
    calendar.save()
    WeeklyHours.objects.filter(calendar=calendar).delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(calendar=calendar, weekday=d, start=s, end=e) for d, s, e in rows
    )
    changes = audit.diff(before, _snapshot(calendar))
    action = "calendar.created" if not before else "calendar.updated"
    audit.record(actor=acting_user, action=action, target=calendar, changes=changes)
    # A new calendar matters to SLAs only when it becomes the default (policies without a
    # calendar start counting in it); an edit matters whenever something changed.
    if (before and changes) or (not before and calendar.is_default):
        _changed(calendar, "created" if not before else "updated", was_default=was_default)
    return calendar


@transaction.atomic
def calendar_delete(*, acting_user, calendar_id: int) -> None:
    require(acting_user, "teams.manage")
    calendar = calendar_get(calendar_id)
    if calendar.is_default:
        raise ValidationFailed(
            _("The default calendar cannot be deleted: make another one the default first."),
            code="calendar_default",
        )
    audit.record(actor=acting_user, action="calendar.deleted", target=calendar)
    calendar.delete()


@transaction.atomic
def holiday_add(
    *, acting_user, calendar_id: int, date: dt.date | None, name: str, is_working_day: bool = False
) -> CustomHoliday:
    """Close the calendar on one local date (or, flagged, open it on a public holiday)."""
    require(acting_user, "teams.manage")
    calendar = calendar_get(calendar_id)
    name = (name or "").strip()
    if date is None:
        raise ValidationFailed(_("Pick a date."), code="date_missing", extra={"field": "date"})
    if not name or len(name) > 120:
        raise ValidationFailed(
            _("Give the day a name."), code="name_missing", extra={"field": "holiday_name"}
        )
    if CustomHoliday.objects.filter(calendar=calendar, date=date).exists():
        raise ValidationFailed(_("That date is already listed."), code="date_taken", extra={"field": "date"})
    holiday = CustomHoliday.objects.create(
        calendar=calendar, date=date, name=name, is_working_day=is_working_day
    )
    audit.record(
        actor=acting_user,
        action="calendar.holiday_added",
        target=calendar,
        changes={
            "date": [None, date.isoformat()],
            "name": [None, name],
            "is_working_day": [None, is_working_day],
        },
    )
    calendar.save(update_fields=["updated_at"])
    _changed(calendar, "holiday_added", was_default=calendar.is_default)
    return holiday


@transaction.atomic
def holiday_remove(*, acting_user, calendar_id: int, holiday_id: int) -> None:
    require(acting_user, "teams.manage")
    holiday = (
        CustomHoliday.objects.select_related("calendar")
        .filter(pk=holiday_id, calendar_id=calendar_id)
        .first()
    )
    if holiday is None:
        raise NotFound(_("That day is not on this calendar."))
    audit.record(
        actor=acting_user,
        action="calendar.holiday_removed",
        target=holiday.calendar,
        changes={"date": [holiday.date.isoformat(), None], "name": [holiday.name, None]},
    )
    holiday.delete()
    holiday.calendar.save(update_fields=["updated_at"])
    _changed(holiday.calendar, "holiday_removed", was_default=holiday.calendar.is_default)
