from __future__ import annotations

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
