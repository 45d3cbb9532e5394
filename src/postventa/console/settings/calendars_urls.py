from django.urls import path

from postventa.console.settings import calendars

urlpatterns = [
    path("", calendars.calendar_list, name="settings_calendars"),
    path("new/", calendars.calendar_edit, name="settings_calendar_create"),
    path("<int:calendar_id>/", calendars.calendar_edit, name="settings_calendar_edit"),
    path("<int:calendar_id>/delete/", calendars.calendar_delete, name="settings_calendar_delete"),
    path("<int:calendar_id>/holidays/", calendars.holiday_add, name="settings_calendar_holiday_add"),
    path(
        "<int:calendar_id>/holidays/<int:holiday_id>/delete/",
        calendars.holiday_remove,
        name="settings_calendar_holiday_remove",
    ),
]
