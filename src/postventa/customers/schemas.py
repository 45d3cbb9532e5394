"""Input and output shapes of the customers API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AddressOut(Schema):
    id: int
    kind: str
    line1: str
    line2: str
    postcode: str
    city: str
    region: str
    country: str
    is_default: bool


class CustomerOut(Schema):
    id: int
    kind: str
    display_name: str
    first_name: str
    last_name: str
    company_name: str
    tax_id: str
    email: str
    phone: str
    emails: list[str]
    phones: list[str]
    language: str
    time_zone: str
    tags: list[str]
    attributes: dict[str, Any]
    external_ids: dict[str, str]
    addresses: list[AddressOut]
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    max_messages_per_week: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    erased_at: dt.datetime | None
    merged_into_id: int | None


class CustomerListItem(Schema):
    id: int
    kind: str
    display_name: str
    email: str
    phone: str
    language: str
    tags: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


class CustomerPage(Schema):
    items: list[CustomerListItem]
    next_cursor: str | None


class CustomerIn(Schema):
    kind: str = "person"
    first_name: str = Field("", max_length=120)
    last_name: str = Field("", max_length=160)
    company_name: str = Field("", max_length=200)
    tax_id: str = Field("", max_length=32)
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    language: str = "es"
    time_zone: str = "Europe/Madrid"
    tags: list[str] = Field(default_factory=list, max_length=50)
    attributes: dict[str, Any] = Field(default_factory=dict)
    notes: str = Field("", max_length=10000)
    external_ids: dict[str, str] = Field(default_factory=dict)


class CustomerPatch(Schema):
    kind: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    tax_id: str | None = None
    language: str | None = None
    time_zone: str | None = None
    attributes: dict[str, Any] | None = None
    notes: str | None = None
    legal_hold_reason: str | None = None
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    max_messages_per_week: int | None = None
    tags: list[str] | None = None


class EmailIn(Schema):
    email: str = Field(..., max_length=254)
    primary: bool = False


class PhoneIn(Schema):
    phone: str = Field(..., max_length=40)
    primary: bool = False
    label: str = Field("", max_length=40)


class AddressIn(Schema):
    kind: str = "shipping"
    line1: str = Field(..., max_length=200)
    line2: str = Field("", max_length=200)
    postcode: str = Field(..., max_length=16)
    city: str = Field(..., max_length=120)
    region: str = Field("", max_length=120)
    country: str = Field("ES", max_length=2)
    is_default: bool = False


class NoteIn(Schema):
    text: str = Field(..., max_length=5000)


class ConsentIn(Schema):
    channel: str
    purpose: str
    source: str = "api"
    text_version: str = Field("", max_length=40)
    proof: dict[str, Any] = Field(default_factory=dict)


class ConsentOut(Schema):
    channel: str
    purpose: str
    status: str
    source: str
    changed_at: dt.datetime
    text_version: str
    proof: dict[str, Any]


class ConsentEventOut(Schema):
    channel: str
    purpose: str
    status: str
    source: str
    occurred_at: dt.datetime
    text_version: str
    proof: dict[str, Any]


class ConsentsOut(Schema):
    current: list[ConsentOut]
    allowed: dict[str, bool]
    history: list[ConsentEventOut]


class TimelineItem(Schema):
    id: int
    occurred_at: dt.datetime
    kind: str
    text: str
    link: str
    data: dict[str, Any]


class TimelinePage(Schema):
    items: list[TimelineItem]
    next_cursor: str | None


class MergeIn(Schema):
    source_id: int
    target_id: int


class MergeOut(Schema):
    source_id: int
    target_id: int
    moved: dict[str, Any]


class SegmentIn(Schema):
    name: str = Field(..., max_length=120)
    description: str = Field("", max_length=2000)
    definition: dict[str, Any]


class SegmentPatch(Schema):
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=2000)
    definition: dict[str, Any] | None = None


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    definition: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentPage(Schema):
    items: list[SegmentOut]
    next_cursor: str | None


class SegmentPreviewIn(Schema):
    definition: dict[str, Any]


class CountOut(Schema):
    count: int
