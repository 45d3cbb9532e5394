from __future__ import annotations

import datetime as dt

from ninja import Schema


class TemplateOut(Schema):
    id: int
    name: str
    language: str
    category: str
    body: str
    placeholder_count: int


class TemplateSendIn(Schema):
    ticket_id: int | None = None
    customer_id: int | None = None
    params: list[str] = []


class SentOut(Schema):
    message_id: int
    ticket_id: int
    ticket_number: int


class InboundOut(Schema):
    id: int
    status: str
    error: str
    message_count: int
    status_count: int
    attempts: int
    received_at: dt.datetime
    processed_at: dt.datetime | None


class InboundPage(Schema):
    items: list[InboundOut]
    next_cursor: str | None
