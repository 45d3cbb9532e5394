"""Shared kernel tables. A package: one module per sub-domain, everything re-exported here."""

from postventa.core.models.base import (
    AuditEntry,
    OutboxEvent,
    TimeStampedModel,
    WebhookDelivery,
    WebhookSubscription,
)
from postventa.core.models.calendars import BusinessCalendar, CustomHoliday, WeeklyHours
from postventa.core.models.search import SearchDocument

__all__ = [
    "AuditEntry",
    "BusinessCalendar",
    "CustomHoliday",
    "OutboxEvent",
    "SearchDocument",
    "TimeStampedModel",
    "WebhookDelivery",
    "WebhookSubscription",
    "WeeklyHours",
]
