"""Input and output shapes of the orders API."""

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


class LineIn(Schema):
    sku: Text = Field("", max_length=64)
    description: Text = Field("", max_length=300)
    quantity: int = Field(1, ge=1, le=1_000_000)
    unit_price: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class ShippingIn(Schema):
    ship_name: Text = Field("", max_length=200)
    ship_line1: Text = Field("", max_length=200)
    ship_postcode: Text = Field("", max_length=16)
    ship_city: Text = Field("", max_length=120)
    ship_country: Text = Field("ES", max_length=2)


class OrderIn(ShippingIn):
    number: Text = Field(..., max_length=40)
    external_id: Text | None = Field(None, max_length=120)
    customer_id: int
    status: Text = "pending_payment"
    placed_at: dt.datetime | None = None
    currency: Text = Field("EUR", max_length=3)
    shipping_total: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    tax_total: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    lines: list[LineIn] = Field(..., min_length=1, max_length=1000)


class ImportLineIn(Schema):
    sku: Text = ""
    description: Text = ""
    quantity: int | Text = 1
    unit_price: Decimal | Text = "0"


class ImportOrderIn(Schema):
    """The CSV columns as fields, with the order's lines as a list (see orders.importing)."""

    order_external_id: Text
    order_number: Text
    customer_email: Text
    customer_name: Text = ""
    customer_phone: Text = ""
    customer_language: Text = "es"
    placed_at: Text = ""
    status: Text = ""
    currency: Text = "EUR"
    shipping_total: Text = "0"
    tax_total: Text = "0"
    ship_name: Text = ""
    ship_line1: Text = ""
    ship_postcode: Text = ""
    ship_city: Text = ""
    ship_country: Text = "ES"
    lines: list[ImportLineIn] = Field(..., min_length=1, max_length=1000)


class ImportIn(Schema):
    orders: list[ImportOrderIn] = Field(..., max_length=10000)
    skip_invalid: bool = False


class ImportOut(Schema):
    total_rows: int
    orders: int
    created: int
    updated: int
    unchanged: int
    skipped_rows: int
    written: bool
    errors: list[dict[str, Any]]


class StatusIn(Schema):
    status: Text = Field(..., max_length=20)
    note: Text = Field("", max_length=500)


class ShipmentIn(Schema):
    carrier: Text = Field(..., max_length=40)
    tracking_number: Text = Field(..., max_length=80)
    tracking_url: Text = Field("", max_length=500)


class ShipmentPatch(Schema):
    tracking_number: Text | None = Field(None, max_length=80)
    tracking_url: Text | None = Field(None, max_length=500)


class LineOut(Schema):
    id: int
    sku: str
    product_id: int | None
    description: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


class ShipmentEventOut(Schema):
    carrier_event_id: str
    code: str
    description: str
    location: str
    occurred_at: dt.datetime
    applied: bool


class ShipmentOut(Schema):
    id: int
    carrier: str
    tracking_number: str
    tracking_url: str
    status: str
    last_event_at: dt.datetime | None
    events: list[ShipmentEventOut] = []


class HistoryOut(Schema):
    from_status: str
    to_status: str
    source: str
    who: str
    note: str
    occurred_at: dt.datetime


class OrderOut(Schema):
    id: int
    number: str
    external_id: str | None
    customer_id: int
    status: str
    placed_at: dt.datetime
    currency: str
    subtotal: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal


class OrderDetailOut(OrderOut):
    ship_name: str
    ship_line1: str
    ship_postcode: str
    ship_city: str
    ship_country: str
    allowed_next: list[str]
    lines: list[LineOut]
    shipments: list[ShipmentOut]
    history: list[HistoryOut]


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None
