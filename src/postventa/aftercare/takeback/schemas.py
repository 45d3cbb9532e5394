"""API shapes of take-back requests and disposal instructions."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TakebackIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**62)
    asset_id: int | None = Field(None, ge=1, le=2**62)
    item_description: str = Field("", max_length=300)
    method: str
    address: str = Field("", max_length=500)
    note: str = Field("", max_length=2000)


class TransitionIn(Schema):
    status: str
    note: str = Field("", max_length=2000)
    scheduled_for: dt.date | None = None
    certificate_number: str = Field("", max_length=60)


class HistoryOut(Schema):
    from_status: str
    to_status: str
    note: str
    occurred_at: dt.datetime


class TakebackOut(Schema):
    id: int
    number: str | None
    customer_id: int
    asset_id: int | None
    category_id: int | None
    item_description: str
    method: str
    address: str
    customer_note: str
    status: str
    scheduled_for: dt.date | None
    certificate_number: str
    certificate_note: str
    source: str
    created_at: dt.datetime
    status_changed_at: dt.datetime | None
    history: list[HistoryOut] = []

    @staticmethod
    def resolve_history(obj):
        return list(obj.history.all())


class TakebackPage(Schema):
    items: list[TakebackOut]
    next_cursor: str | None


class InstructionIn(Schema):
    instructions_es: str = Field(..., max_length=5000)
    instructions_en: str = Field("", max_length=5000)
    battery_rules_es: str = Field("", max_length=3000)
    battery_rules_en: str = Field("", max_length=3000)
    accepts_pickup: bool = True


class InstructionOut(Schema):
    id: int
    category_id: int
    instructions_es: str
    instructions_en: str
    battery_rules_es: str
    battery_rules_en: str
    accepts_pickup: bool
    updated_at: dt.datetime
