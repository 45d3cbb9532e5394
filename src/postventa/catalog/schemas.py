"""Input and output shapes of the catalog API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: say so as a 422 instead of failing at the database.
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class CategoryOut(Schema):
    id: int
    slug: str
    name_es: str
    name_en: str


class ProductIn(Schema):
    sku: Text = Field(..., max_length=64)
    name_es: Text = Field(..., max_length=200)
    name_en: Text = Field("", max_length=200)
    description_es: Text = ""
    description_en: Text = ""
    category_id: int | None = None
    brand: Text = Field("", max_length=80)
    price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    currency: Text = Field("EUR", max_length=3)
    warranty_months: int = Field(0, ge=0, le=600)
    maintenance_interval_months: int | None = Field(None, ge=1, le=600)
    manufacturing_ended_on: dt.date | None = None
    is_recyclable: bool = False
    attributes: dict[Text, Any] = {}
    is_active: bool = True


class ProductPatch(Schema):
    name_es: Text | None = Field(None, max_length=200)
    name_en: Text | None = Field(None, max_length=200)
    description_es: Text | None = None
    description_en: Text | None = None
    category_id: int | None = None
    brand: Text | None = Field(None, max_length=80)
    price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    currency: Text | None = Field(None, max_length=3)
    warranty_months: int | None = Field(None, ge=0, le=600)
    maintenance_interval_months: int | None = Field(None, ge=1, le=600)
    manufacturing_ended_on: dt.date | None = None
    is_recyclable: bool | None = None
    attributes: dict[Text, Any] | None = None
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
    serial_number: Text = Field(..., max_length=80)
    purchased_on: dt.date | None = None
    order_line_id: int | None = None
    source: Text = "staff"
    notes: Text = ""


class AssetPatch(Schema):
    serial_number: Text | None = Field(None, max_length=80)
    purchased_on: dt.date | None = None
    notes: Text | None = None


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
