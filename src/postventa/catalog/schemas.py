"""Input and output shapes of the catalog API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class CategoryOut(Schema):
    id: int
    slug: str
    name_es: str
    name_en: str


class ProductIn(Schema):
    sku: str = Field(..., max_length=64)
    name_es: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    description_es: str = ""
    description_en: str = ""
    category_id: int | None = None
    brand: str = Field("", max_length=80)
    price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    currency: str = Field("EUR", max_length=3)
    warranty_months: int = Field(0, ge=0, le=600)
    maintenance_interval_months: int | None = Field(None, ge=1, le=600)
    manufacturing_ended_on: dt.date | None = None
    is_recyclable: bool = False
    attributes: dict[str, Any] = {}
    is_active: bool = True


class ProductPatch(Schema):
    name_es: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    description_es: str | None = None
    description_en: str | None = None
    category_id: int | None = None
    brand: str | None = Field(None, max_length=80)
    price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, max_length=3)
    warranty_months: int | None = Field(None, ge=0, le=600)
    maintenance_interval_months: int | None = Field(None, ge=1, le=600)
    manufacturing_ended_on: dt.date | None = None
    is_recyclable: bool | None = None
    attributes: dict[str, Any] | None = None
    is_active: bool | None = None


class ProductOut(Schema):
    id: int
    sku: str
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    category: CategoryOut | None
    brand: str
    price: Decimal | None
    currency: str
    warranty_months: int
    maintenance_interval_months: int | None
    manufacturing_ended_on: dt.date | None
    is_recyclable: bool
    attributes: dict[str, Any]
    is_active: bool
    created_at: dt.datetime


class ProductPage(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class AssetIn(Schema):
    customer_id: int
    product_id: int
    serial_number: str = Field(..., max_length=80)
    purchased_on: dt.date | None = None
    order_line_id: int | None = None
    source: str = "staff"
    notes: str = ""


class AssetPatch(Schema):
    serial_number: str | None = Field(None, max_length=80)
    purchased_on: dt.date | None = None
    notes: str | None = None


class AssetOut(Schema):
    id: int
    customer_id: int
    product_id: int
    sku: str = Field(..., alias="product.sku")
    serial_number: str
    purchased_on: dt.date | None
    order_line_id: int | None
    source: str
    notes: str
    created_at: dt.datetime


class AssetPage(Schema):
    items: list[AssetOut]
    next_cursor: str | None
