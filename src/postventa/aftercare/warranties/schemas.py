"""API shapes of coverage, warranty terms and extended warranties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class GuaranteeOut(Schema):
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    active: bool
    terms_version_id: int | None
    reason: str
    fault: str = ""


class CoverageOut(Schema):
    asset_id: int | None
    serial_number: str | None = None
    product_sku: str | None = None
    on: dt.date | None
    delivered_on: dt.date | None
    covered: bool
    covering: GuaranteeOut | None
    guarantees: list[GuaranteeOut]
    legal_ends_on: dt.date | None
    presumption_until: dt.date | None
    spare_parts_until: dt.date | None
    jurisdiction: str
    product_kind: str
    sentence: str


class CoverageLookupOut(Schema):
    items: list[CoverageOut]


class TermsVersionOut(Schema):
    id: int
    terms_id: int
    number: int
    status: str
    body_es: str
    body_en: str
    change_note: str
    published_at: dt.datetime | None
    created_at: dt.datetime


class TermsOut(Schema):
    id: int
    slug: str
    title_es: str
    title_en: str
    current_version: int | None = None
    created_at: dt.datetime


class TermsDetailOut(TermsOut):
    versions: list[TermsVersionOut]


class TermsPage(Schema):
    items: list[TermsOut]
    next_cursor: str | None


class TermsIn(Schema):
    title_es: str = Field(..., max_length=200)
    title_en: str = Field("", max_length=200)
    slug: str = Field("", max_length=80)
    body_es: str = Field(..., max_length=50000)
    body_en: str = Field("", max_length=50000)


class TermsVersionIn(Schema):
    body_es: str = Field(..., max_length=50000)
    body_en: str = Field("", max_length=50000)
    change_note: str = Field("", max_length=300)


class ExtendedWarrantyIn(Schema):
    plan_id: int | None = Field(None, ge=1, le=2**62)
    terms_id: int | None = Field(None, ge=1, le=2**62)
    months: int | None = Field(None, ge=1, le=120)
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    starts_on: dt.date | None = None
    name_es: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    reference: str = Field("", max_length=120)


class ExtendedWarrantyOut(Schema):
    id: int
    asset_id: int
    plan_id: int | None
    name_es: str
    name_en: str
    months: int
    starts_on: dt.date
    ends_on: dt.date
    price: Decimal | None
    currency: str
    terms_version_id: int
    reference: str
    created_at: dt.datetime
