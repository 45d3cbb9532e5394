"""API shapes of maintenance plans, reminders, service visits and owner notices."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

ID = Field(..., ge=1, le=2**62)


class ConsumableIn(Schema):
    name_es: str = Field(..., max_length=120)
    name_en: str = Field("", max_length=120)
    period_months: int = Field(..., ge=1, le=240)
    product_id: int | None = Field(None, ge=1, le=2**62)
    sku: str = Field("", max_length=64)


class ConsumableOut(Schema):
    id: int
    name_es: str
    name_en: str
    period_months: int
    product_id: int | None
    sku: str


class FailurePointIn(Schema):
    component_es: str = Field(..., max_length=120)
    component_en: str = Field("", max_length=120)
    after_months: int = Field(..., ge=1, le=240)
    message_es: str = Field(..., max_length=2000)
    message_en: str = Field("", max_length=2000)


class FailurePointOut(Schema):
    id: int
    component_es: str
    component_en: str
    after_months: int
    message_es: str
    message_en: str


class PlanIn(Schema):
    product_id: int = ID
    interval_months: int | None = Field(None, ge=1, le=240)
    lead_days: int = Field(14, ge=0, le=90)
    service_es: str = Field("", max_length=2000)
    service_en: str = Field("", max_length=2000)
    is_active: bool = True


class PlanOut(Schema):
    id: int
    product_id: int
    sku: str = Field(..., alias="product.sku")
    interval_months: int | None
    effective_interval: int | None
    lead_days: int
    service_es: str
    service_en: str
    is_active: bool
    consumables: list[ConsumableOut]
    failure_points: list[FailurePointOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_consumables(obj):
        return list(obj.consumables.all())

    @staticmethod
    def resolve_failure_points(obj):
        return list(obj.failure_points.all())


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None


class ReminderOut(Schema):
    id: int
    asset_id: int
    customer_id: int
    product_id: int
    kind: str
    item_id: int
    due_on: dt.date
    send_after: dt.datetime
    status: str
    sent_at: dt.datetime | None
    notification_id: int | None
    last_error: str


class ReminderPage(Schema):
    items: list[ReminderOut]
    next_cursor: str | None


class VisitIn(Schema):
    asset_id: int = ID
    preferred_date: dt.date
    slot: str = "any"
    note: str = Field("", max_length=2000)


class VisitConfirmIn(Schema):
    scheduled_for: dt.datetime
    note: str = Field("", max_length=2000)


class VisitCompleteIn(Schema):
    completed_on: dt.date | None = None
    note: str = Field("", max_length=2000)


class VisitCancelIn(Schema):
    reason: str = Field("", max_length=500)


class VisitOut(Schema):
    id: int
    asset_id: int
    customer_id: int
    reminder_id: int | None
    preferred_date: dt.date
    slot: str
    note: str
    status: str
    scheduled_for: dt.datetime | None
    completed_on: dt.date | None
    source: str
    created_at: dt.datetime


class VisitPage(Schema):
    items: list[VisitOut]
    next_cursor: str | None


class NoticeRangeIn(Schema):
    product_id: int = ID
    serial_from: str = Field("", max_length=80)
    serial_to: str = Field("", max_length=80)
    numeric_serials: bool = False


class NoticeIn(NoticeRangeIn):
    kind: str
    subject_es: str = Field(..., max_length=200)
    subject_en: str = Field("", max_length=200)
    message_es: str = Field(..., max_length=5000)
    message_en: str = Field("", max_length=5000)


class PreviewOut(Schema):
    assets: int
    owners: int


class NoticeOut(Schema):
    id: int
    product_id: int
    kind: str
    serial_from: str
    serial_to: str
    numeric_serials: bool
    subject_es: str
    subject_en: str
    message_es: str
    message_en: str
    status: str
    owners_total: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    progress: dict | None = None


class NoticePage(Schema):
    items: list[NoticeOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: int
    customer_id: int
    asset_id: int | None
    status: str
    notification_id: int | None
    note: str
    updated_at: dt.datetime


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None
