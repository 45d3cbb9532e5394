"""Input and output shapes of the returns and refunds API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class ReturnLineIn(Schema):
    order_line_id: int = Field(..., ge=1, le=2**62)
    quantity: int = Field(..., ge=0, le=1_000_000)


class ReturnIn(Schema):
    order_id: int = Field(..., ge=1, le=2**62)
    lines: list[ReturnLineIn] = Field(..., min_length=1, max_length=100)
    reason: Text = Field(..., max_length=40, description="A reason code, e.g. changed_mind or damaged")
    reason_detail: Text = Field("", max_length=4000)
    resolution: Text = Field("refund", max_length=20)


class TransitionIn(Schema):
    status: Text = Field(..., max_length=20)
    note: Text = Field("", max_length=500)
    rejection_reason: Text = Field("", max_length=2000)
    carrier: Text = Field("", max_length=40)
    tracking_number: Text = Field("", max_length=80)


class InspectLineIn(Schema):
    line_id: int = Field(..., ge=1, le=2**62)
    condition: Text = Field(..., max_length=20)
    restock: bool = False
    accepted: bool = True
    note: Text = Field("", max_length=2000)


class InspectIn(Schema):
    lines: list[InspectLineIn] = Field(..., min_length=1, max_length=100)
    note: Text = Field("", max_length=500)


class ReturnRefundIn(Schema):
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    method: Text = Field("original_payment", max_length=20)
    reference: Text = Field("", max_length=120)
    note: Text = Field("", max_length=500)


class ReturnLineOut(Schema):
    id: int
    order_line_id: int
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    eligibility: str
    window_ends_on: dt.date | None
    condition: str
    restock: bool | None
    accepted: bool | None
    inspection_note: str


class ReturnSummaryOut(Schema):
    id: int
    number: str
    status: str
    customer_id: int
    order_id: int
    order_number: str
    reason: str
    resolution: str
    currency: str
    requested_value: Decimal
    refunded_total: Decimal
    requested_at: dt.datetime
    refund_due_by: dt.datetime | None
    refund_overdue: bool


class HistoryOut(Schema):
    from_status: str
    to_status: str
    note: str
    occurred_at: dt.datetime


class RefundOut(Schema):
    id: int
    customer_id: int
    order_id: int | None
    amount: Decimal
    currency: str
    method: str
    reference: str
    source_type: str
    source_id: int
    reason: str
    refunded_at: dt.datetime


class ReturnDetailOut(ReturnSummaryOut):
    reason_detail: str
    channel: str
    shipping_paid_by: str
    is_withdrawal: bool
    auto_approved: bool
    rejection_reason: str
    return_carrier: str
    return_tracking: str
    approved_at: dt.datetime | None
    received_at: dt.datetime | None
    inspected_at: dt.datetime | None
    closed_at: dt.datetime | None
    exchange_order_number: str
    allowed_next: list[str]
    refund_ceiling: Decimal
    lines: list[ReturnLineOut]
    history: list[HistoryOut]
    refunds: list[RefundOut]


class ReturnPage(Schema):
    items: list[ReturnSummaryOut]
    next_cursor: str | None


class RefundPage(Schema):
    items: list[RefundOut]
    next_cursor: str | None


class StoreCreditEntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    note: str
    source_type: str
    source_id: int | None
    created_at: dt.datetime


class StoreCreditOut(Schema):
    customer_id: int
    currency: str
    balance: Decimal
    entries: list[StoreCreditEntryOut]
