from __future__ import annotations

import datetime as dt

from ninja import Schema


class CallIn(Schema):
    number: str
    direction: str
    duration: int = 0
    outcome: str
    notes: str = ""
    recording_url: str = ""
    ticket_id: int | None = None
    customer_id: int | None = None
    new_ticket: bool = False


class CallOut(Schema):
    id: int
    ticket_id: int
    ticket_number: int
    message_id: int | None
    customer_id: int
    direction: str
    number: str
    duration_seconds: int
    outcome: str
    notes: str
    recording_url: str
    created_at: dt.datetime

    @staticmethod
    def resolve_ticket_number(obj) -> int:
        return obj.ticket.number


class LookupTicketOut(Schema):
    id: int
    number: int
    subject: str
    status: str


class LookupOut(Schema):
    number: str
    valid: bool
    customer_id: int | None
    customer_name: str
    open_tickets: list[LookupTicketOut]


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: str | None
