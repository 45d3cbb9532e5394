"""Business calendars: opening hours, time zone and holidays that SLA clocks count in."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from postventa.core.models.base import TimeStampedModel

# The 19 subdivisions `holidays.Spain` knows: 17 autonomous communities and 2 autonomous cities.
SPAIN_SUBDIVISIONS: dict[str, str] = {
    "AN": "Andalucía",
    "AR": "Aragón",
    "AS": "Asturias",
    "CB": "Cantabria",
    "CE": "Ceuta",
    "CL": "Castilla y León",
    "CM": "Castilla-La Mancha",
    "CN": "Canarias",
    "CT": "Cataluña",
    "EX": "Extremadura",
    "GA": "Galicia",
    "IB": "Illes Balears",
    "MC": "Región de Murcia",
    "MD": "Comunidad de Madrid",
    "ML": "Melilla",
    "NC": "Navarra",
    "PV": "País Vasco",
    "RI": "La Rioja",
    "VC": "Comunitat Valenciana",
}


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone.")) from exc


class BusinessCalendar(TimeStampedModel):
    """Opening hours in one time zone, with a country's (and region's) public holidays.

    Shifts never span midnight (after-sales desks close at night, so we keep the arithmetic
    simple): every interval starts and ends on the same local day.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Madrid", validators=[validate_time_zone]
    )
    country = models.CharField(_("country"), max_length=2, default="ES")
    subdivision = models.CharField(
        _("region"),
        max_length=8,
        blank=True,
        help_text=_("Autonomous community whose holidays apply; blank: national only."),
    )
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="calendar_one_default"
            ),
        ]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class WeeklyHours(models.Model):
    """One open interval on one weekday (0 = Monday); several per day make split shifts."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="weekly_hours_start_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday_range"),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class CustomHoliday(models.Model):
    """A local date the calendar closes (San Isidro in Madrid city) or, flagged, opens anyway."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="custom_holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    is_working_day = models.BooleanField(
        _("extra working day"),
        default=False,
        help_text=_("Open on this date with the usual hours, even if it is a public holiday."),
    )

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="custom_holiday_once")]
        verbose_name = _("custom holiday")
        verbose_name_plural = _("custom holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
