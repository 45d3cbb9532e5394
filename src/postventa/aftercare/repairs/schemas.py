"""API shapes of repairs and spare parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class RepairIn(Schema):
    asset_id: int = Field(..., ge=1, le=2**62)
    fault: str = Field(..., max_length=5000)
    under_warranty: bool = False
    accessories: str = Field("", max_length=2000)
    claim_id: int | None = Field(None, ge=1, le=2**62)
    ticket_id: int | None = Field(None, ge=1, le=2**62)


class TransitionIn(Schema):
    to_status: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)


class DiagnosisIn(Schema):
    diagnosis: str = Field(..., max_length=10000)


class QuoteLineIn(Schema):
    kind: str = Field(..., max_length=10)
    description: str = Field("", max_length=200)
    quantity: Decimal
    unit_price: Decimal | None = None
    spare_part_id: int | None = Field(None, ge=1, le=2**62)


class QuoteIn(Schema):
    lines: list[QuoteLineIn] = Field(..., max_length=50)
    vat_rate: Decimal | None = None


class DecisionIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)


class PartUseIn(Schema):
    spare_part_id: int = Field(..., ge=1, le=2**62)
    quantity: int = Field(1, ge=1, le=1000)


class TechnicianIn(Schema):
    technician_id: int | None = Field(None, ge=1, le=2**62)


class CompleteIn(Schema):
    report: str = Field(..., max_length=10000)


class QuoteLineOut(Schema):
    id: int
    kind: str
    description: str
    spare_part_id: int | None
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal


class QuoteOut(Schema):
    lines: list[QuoteLineOut]
    parts_total: Decimal
    labour_total: Decimal
    subtotal: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal
    under_warranty: bool
    customer_total: Decimal
    currency: str


class PartUsageOut(Schema):
    id: int
    spare_part_id: int
    sku: str = Field(..., alias="spare_part.sku")
    quantity: int
    used_at: dt.datetime


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    actor_label: str
    note: str
    occurred_at: dt.datetime


class RepairOut(Schema):
    id: int
    number: str
    status: str
    asset_id: int
    customer_id: int
    fault: str
    accessories: str
    under_warranty: bool
    claim_id: int | None
    ticket_id: int | None
    technician_id: int | None
    diagnosis: str
    quote_version: int
    quote_sent_at: dt.datetime | None
    quote_decided_at: dt.datetime | None
    quote_comment: str
    received_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None
    completion_report: str
    guarantee_extended_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class RepairDetailOut(RepairOut):
    quote: QuoteOut
    parts_used: list[PartUsageOut]
    timeline: list[StatusChangeOut]
    photos: list[dict]


class RepairPage(Schema):
    items: list[RepairOut]
    next_cursor: str | None


class SparePartIn(Schema):
    sku: str = Field(..., max_length=64)
    name_es: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    unit_price: Decimal = Decimal("0")
    stock: int | None = Field(None, ge=0, le=10**9)
    compatible_product_ids: list[int] | None = Field(None, max_length=500)
    is_active: bool = True


class StockIn(Schema):
    delta: int = Field(..., ge=-(10**9), le=10**9)
    reason: str = Field("", max_length=300)


class SparePartOut(Schema):
    id: int
    sku: str
    name_es: str
    name_en: str
    stock: int
    unit_price: Decimal
    currency: str
    is_active: bool
    compatible_product_ids: list[int]

    @staticmethod
    def resolve_compatible_product_ids(obj) -> list[int]:
        return [p.pk for p in obj.compatible_products.all()]


class SparePartPage(Schema):
    items: list[SparePartOut]
    next_cursor: str | None
