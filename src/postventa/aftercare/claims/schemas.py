"""Input and output shapes of the claims API."""

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


class ClaimIn(Schema):
    """Staff filing a claim for a customer: the unit by asset id or by serial number."""

    customer_id: int
    asset_id: int | None = None
    serial_number: Text = Field("", max_length=80)
    symptoms: Text = Field(..., max_length=5000)
    preferred_remedy: Text = Field("", max_length=16)


class TransitionIn(Schema):
    to: Text = Field(..., max_length=24)
    note: Text = Field("", max_length=2000)
    reason: Text = Field("", max_length=2000)


class DecideIn(Schema):
    decision: Text = Field(..., max_length=10, description="approve or reject")
    reason: Text = Field("", max_length=2000, description="required to reject; shown to the customer")
    note: Text = Field("", max_length=2000)


class RemedyIn(Schema):
    remedy: Text = Field(
        ..., max_length=20, description="repair, replacement, price_reduction or termination"
    )
    grounds: list[Text] = Field(default_factory=list, max_length=10)
    justification: Text = Field("", max_length=5000)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: Text = Field("", max_length=3)
    refund_method: Text = Field("original_payment", max_length=30)


class PhotoOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class HistoryOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    actor_label: str
    occurred_at: dt.datetime


class CoverageOut(Schema):
    covered: bool
    kind: str
    ends_on: dt.date | None
    presumption_until: dt.date | None
    presumption_applies: bool
    sentence: str


class ClaimOut(Schema):
    id: int
    number: str
    status: str
    customer_id: int
    asset_id: int
    product_id: int
    serial_number: str
    product_sku: str
    channel: str
    covered: bool
    filed_at: dt.datetime
    status_changed_at: dt.datetime
    ticket_id: int | None
    remedy: str


class ClaimDetailOut(ClaimOut):
    symptoms: str
    preferred_remedy: str
    coverage: CoverageOut
    rejection_reason: str
    decided_at: dt.datetime | None
    remedy_grounds: list[str]
    remedy_justification: str
    remedy_amount: Decimal | None
    remedy_currency: str
    repair_order_id: int | None
    replacement_order_id: int | None
    refund_id: int | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    allowed_next: list[str]
    photos: list[PhotoOut]
    history: list[HistoryOut]


class ClaimPage(Schema):
    items: list[ClaimOut]
    next_cursor: str | None


class RateOut(Schema):
    product_id: int
    sku: str
    name: str
    claims: int
    covered: int
    rejected: int
    units_sold: int
    assets: int
    base: int
    rate_per_100: Decimal | None


class RateReportOut(Schema):
    start: dt.date
    end: dt.date
    items: list[RateOut]
