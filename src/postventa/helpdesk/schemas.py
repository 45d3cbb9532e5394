"""Input and output shapes of the tickets API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

ID = Field(..., ge=1, le=2**62)
OPTIONAL_ID = Field(None, ge=1, le=2**62)


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    message_id: int | None
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("api:ticket_attachment_download", kwargs={"attachment_id": obj.pk})


class MessageOut(Schema):
    id: int
    ticket_id: int
    kind: str
    direction: str
    channel: str
    author_user_id: int | None
    author_customer_id: int | None
    author_name: str
    body_text: str
    body_html: str
    created_at: dt.datetime
    delivery_status: str
    last_error: str
    mentions: list[int]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_mentions(obj) -> list[int]:
        return [u.pk for u in obj.mentions.all()]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class TicketOut(Schema):
    id: int
    number: int
    subject: str
    status: str
    priority: str
    type: str
    channel: str
    language: str
    customer_id: int
    customer_name: str
    team_id: int | None
    assignee_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    order_id: int | None
    asset_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    last_customer_message_at: dt.datetime | None
    last_agent_message_at: dt.datetime | None
    customer_message_count: int
    agent_reply_count: int
    reopen_count: int
    handle_time_seconds: int
    sla_policy_id: int | None
    first_response_due_at: dt.datetime | None
    next_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    sla_first_response_breached: bool | None
    sla_resolution_breached: bool | None
    merged_into_id: int | None
    problem_id: int | None
    follow_up_of_id: int | None
    split_from_id: int | None

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.display_name

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return sorted(t.name for t in obj.tags.all())


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj) -> list:
        return obj.messages_list


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class TicketIn(Schema):
    customer_id: int = ID
    subject: str = Field("", max_length=300)
    body: str = Field("", max_length=200_000)
    body_html: str = Field("", max_length=400_000)
    channel: Literal["email", "web_chat", "whatsapp", "web_form", "phone", "api", "console"] = "api"
    author: Literal["customer", "agent"] = Field("customer", description="Who wrote the first message.")
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    type: Literal["question", "incident", "problem", "complaint", "order_issue", "other"] = "question"
    team_id: int | None = OPTIONAL_ID
    assignee_id: int | None = OPTIONAL_ID
    tags: list[str] = Field(default_factory=list, max_length=30)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    order_id: int | None = OPTIONAL_ID
    asset_id: int | None = OPTIONAL_ID
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)
    acknowledge: bool | None = Field(None, description="Send the acknowledgement email (default: no, an agent is acting).")
    external_id: str | None = Field(None, max_length=300)


class TicketPatch(Schema):
    subject: str | None = Field(None, max_length=300)
    status: Literal["open", "pending", "on_hold", "solved", "closed"] | None = None
    priority: Literal["low", "normal", "high", "urgent"] | None = None
    type: Literal["question", "incident", "problem", "complaint", "order_issue", "other"] | None = None
    team_id: int | None = Field(None, ge=0, le=2**62, description="0 or null removes the team.")
    assignee_id: int | None = Field(None, ge=0, le=2**62, description="0 or null unassigns.")
    tags: list[str] | None = Field(None, max_length=30)
    add_tags: list[str] | None = Field(None, max_length=30)
    remove_tags: list[str] | None = Field(None, max_length=30)
    custom_fields: dict[str, Any] | None = None
    order_id: int | None = Field(None, ge=0, le=2**62)
    asset_id: int | None = Field(None, ge=0, le=2**62)
    language: Literal["es", "en"] | None = None


class MessageIn(Schema):
    kind: Literal["reply", "note"] = "reply"
    body: str = Field("", max_length=200_000)
    body_html: str = Field("", max_length=400_000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)
    status: Literal["open", "pending", "on_hold", "solved", "keep"] = Field(
        "pending", description="Status after a reply ('keep' leaves it); ignored for notes."
    )


class TagsIn(Schema):
    tags: list[str] = Field(..., max_length=30)


class MergeIn(Schema):
    target_id: int = ID


class SplitIn(Schema):
    message_id: int = ID
    subject: str = Field("", max_length=300)


class ProblemIn(Schema):
    problem_id: int | None = OPTIONAL_ID


class BulkIn(Schema):
    ticket_ids: list[int] = Field(..., min_length=1, max_length=500)
    changes: TicketPatch


class BulkOut(Schema):
    updated: int


class SavedViewIn(Schema):
    name: str = Field(..., max_length=80)
    filters: dict[str, Any] = Field(default_factory=dict)
    shared: bool = False


class SavedViewPatch(Schema):
    name: str | None = Field(None, max_length=80)
    filters: dict[str, Any] | None = None
    position: int | None = Field(None, ge=0, le=1000)


class SavedViewOut(Schema):
    id: int
    name: str
    filters: dict[str, Any]
    shared: bool
    position: int
    created_at: dt.datetime

    @staticmethod
    def resolve_shared(obj) -> bool:
        return obj.user_id is None


class TagOut(Schema):
    name: str
