"""API shapes of interest-free payment plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class PlanIn(Schema):
    repair_id: int | None = Field(None, ge=1, le=2**62)
    order_id: int | None = Field(None, ge=1, le=2**62)
    instalments: int = Field(..., description="1 to 60")
    principal: Decimal | None = Field(None, description="Defaults to the whole total")
    amounts: list[Decimal] | None = Field(
        None, max_length=60, description="Custom split; must sum to the principal"
    )
    interval: str = Field("monthly", description="monthly or custom")
    interval_days: int | None = None
    first_due_on: dt.date | None = None
    notes: str = Field("", max_length=2000)


class PaymentIn(Schema):
    reference: str = Field("", max_length=120)


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class InstalmentOut(Schema):
    id: int
    sequence: int
    due_on: dt.date
    amount: Decimal
    status: str
    paid_at: dt.datetime | None
    payment_reference: str


class PlanOut(Schema):
    id: int
    number: str
    customer_id: int
    repair_id: int | None
    order_id: int | None
    principal: Decimal
    currency: str
    instalment_count: int
    interval: str
    interval_days: int | None
    first_due_on: dt.date
    time_zone: str
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class PlanDetailOut(PlanOut):
    terms: str
    interest_rate_percent: Decimal = Field(Decimal("0"), description="Always 0: plans are interest-free")
    instalments: list[InstalmentOut]


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None
