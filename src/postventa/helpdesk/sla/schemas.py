"""API shapes of SLA policies and ticket SLA clocks."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ConditionsIO(Schema):
    priorities: list[str] = []
    channels: list[str] = []
    types: list[str] = []
    customer_tags: list[str] = []
    segment_id: int | None = None


class SlaPolicyIn(Schema):
    name: str = Field(..., max_length=200)
    position: int = Field(0, ge=0, le=2**31 - 1)
    is_active: bool = True
    conditions: ConditionsIO = ConditionsIO()
    calendar_id: int | None = Field(None, ge=1, le=2**62)
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    priority_overrides: dict[str, dict[str, int]] = {}
    warn_before_minutes: int = 30
    notify_user_ids: list[int] = Field([], max_length=50)
    raise_priority: bool = False
    reassign_team_id: int | None = Field(None, ge=1, le=2**62)
    reassign_user_id: int | None = Field(None, ge=1, le=2**62)


class SlaPolicyOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    conditions: dict
    calendar_id: int | None
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    priority_overrides: dict
    warn_before_minutes: int
    raise_priority: bool
    reassign_team_id: int | None
    reassign_user_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SlaPolicyPage(Schema):
    items: list[SlaPolicyOut]
    next_cursor: str | None


class ClockOut(Schema):
    metric: str
    policy_id: int | None
    target_minutes: int
    started_at: dt.datetime
    due_at: dt.datetime
    paused_seconds: int
    paused_since: dt.datetime | None
    achieved_at: dt.datetime | None
    breached_at: dt.datetime | None
    warned_at: dt.datetime | None
    breach_count: int
    cycle: int


class TicketSlaOut(Schema):
    ticket_id: int
    policy_id: int | None
    first_response_due_at: dt.datetime | None
    next_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    first_response_breached: bool | None
    resolution_breached: bool | None
    clocks: list[ClockOut]
