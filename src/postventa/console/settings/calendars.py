"""Business calendars: weekly hours (up to two intervals a day), region and custom holidays."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import render_page, staff_required
from postventa.core import calendar_services as services
from postventa.core.calendars import upcoming_holidays
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.models.calendars import SPAIN_SUBDIVISIONS

SLOTS = (1, 2)  # intervals offered per weekday: a morning and an afternoon shift


def _weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def _parse_time(raw: str) -> dt.time | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        return None


def _hours_from_post(post) -> tuple[dict[int, list[tuple[dt.time, dt.time]]], dict[str, str]]:
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    errors: dict[str, str] = {}
    for day in range(7):
        for slot in SLOTS:
            raw_start, raw_end = post.get(f"h{day}_{slot}_start", ""), post.get(f"h{day}_{slot}_end", "")
            start, end = _parse_time(raw_start), _parse_time(raw_end)
            if not raw_start.strip() and not raw_end.strip():
                continue
            if start is None or end is None:
                errors[f"hours_{day}"] = _("Enter both times as HH:MM.")
                continue
            hours.setdefault(day, []).append((start, end))
    return hours, errors


def _rows(hours: dict[int, list[tuple[dt.time, dt.time]]] | None, post=None) -> list[dict]:
    """One row per weekday with its two interval slots, from the saved hours or the posted form."""
    rows = []
    for day, label in enumerate(_weekday_names()):
        slots = []
        saved = sorted((hours or {}).get(day, []))
        for slot in SLOTS:
            if post is not None:
                start, end = post.get(f"h{day}_{slot}_start", ""), post.get(f"h{day}_{slot}_end", "")
            elif len(saved) >= slot:
                start, end = saved[slot - 1][0].strftime("%H:%M"), saved[slot - 1][1].strftime("%H:%M")
            else:
                start = end = ""
            slots.append({"slot": slot, "start": start, "end": end})
        rows.append({"day": day, "label": label, "slots": slots})
    return rows


def _saved_hours(calendar) -> dict[int, list[tuple[dt.time, dt.time]]]:
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in calendar.hours.all():
        hours.setdefault(row.weekday, []).append((row.start, row.end))
    return hours


@staff_required("teams.manage")
def calendar_list(request):
    calendars = list(services.calendar_list())
    names = _weekday_names()
    for calendar in calendars:
        days = sorted({h.weekday for h in calendar.hours.all()})
        calendar.open_days = ", ".join(names[d][:3] for d in days)
        calendar.region_name = SPAIN_SUBDIVISIONS.get(calendar.subdivision, "")
    context = {"nav": "settings", "calendars": calendars}
    return render_page(request, "console/settings/calendars/list.html", context)


@staff_required("teams.manage")
def calendar_edit(request, calendar_id: int | None = None):
    calendar = None
    if calendar_id is not None:
        try:
            calendar = services.calendar_get(calendar_id)
        except NotFound as exc:
            from django.http import Http404

            raise Http404(exc.message) from exc
    errors: dict[str, str] = {}
    post = None
    if request.method == "POST":
        post = request.POST
        hours, errors = _hours_from_post(post)
        if not errors:
            try:
                calendar = services.calendar_save(
                    acting_user=request.user,
                    calendar_id=calendar_id,
                    name=post.get("name", ""),
                    time_zone=post.get("time_zone", ""),
                    subdivision=post.get("subdivision", ""),
                    is_default=post.get("is_default") == "on",
                    hours=hours,
                )
            except ApplicationError as exc:
                errors = {exc.extra.get("field") or "form": exc.message}
            else:
                messages.success(request, _("Calendar %(name)s saved.") % {"name": calendar.name})
                return redirect("console:settings_calendar_edit", calendar.pk)
    values = post or {
        "name": calendar.name if calendar else "",
        "time_zone": calendar.time_zone if calendar else "Europe/Madrid",
        "subdivision": calendar.subdivision if calendar else "MD",
        "is_default": "on" if calendar and calendar.is_default else "",
    }
    context = {
        "nav": "settings",
        "calendar": calendar,
        "values": values,
        "errors": errors,
        "rows": _rows(_saved_hours(calendar) if calendar else _default_hours(), post),
        "subdivisions": sorted(SPAIN_SUBDIVISIONS.items(), key=lambda kv: kv[1]),
        "time_zones": [
            "UTC",
            *sorted(z for z in zoneinfo.available_timezones() if z.startswith(("Europe/", "Atlantic/"))),
        ],
    }
    if calendar is not None:
        today = timezone.localdate()
        language = "es" if (get_language() or "").startswith("es") else "en"
        context["upcoming"] = upcoming_holidays(calendar, since=today, count=10, language=language)
        context["custom_holidays"] = list(calendar.custom_holidays.all())
    return render_page(
        request, "console/settings/calendars/form.html", context, status=400 if errors else 200
    )


def _default_hours() -> dict[int, list[tuple[dt.time, dt.time]]]:
    # A new calendar starts as the common Spanish office week: 09:00-14:00 and 16:00-19:00.
    return {d: [(dt.time(9), dt.time(14)), (dt.time(16), dt.time(19))] for d in range(5)}


@staff_required("teams.manage")
@require_POST
def calendar_delete(request, calendar_id: int):
    try:
        services.calendar_delete(acting_user=request.user, calendar_id=calendar_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console:settings_calendar_edit", calendar_id)
    messages.success(request, _("Calendar deleted."))
    return redirect("console:settings_calendars")


@staff_required("teams.manage")
@require_POST
def holiday_add(request, calendar_id: int):
    raw = request.POST.get("date", "")
    try:
        date = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        date = None
    try:
        services.holiday_add(
            acting_user=request.user,
            calendar_id=calendar_id,
            date=date,
            name=request.POST.get("holiday_name", ""),
            is_working_day=request.POST.get("is_working_day") == "on",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Day added."))
    return redirect("console:settings_calendar_edit", calendar_id)


@staff_required("teams.manage")
@require_POST
def holiday_remove(request, calendar_id: int, holiday_id: int):
    try:
        services.holiday_remove(acting_user=request.user, calendar_id=calendar_id, holiday_id=holiday_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Day removed."))
    return redirect("console:settings_calendar_edit", calendar_id)
