"""API schemas of helpdesk automation (input / output pairs)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class MacroActionsIn(Schema):
    status: str | None = None
    priority: str | None = None
    team_id: int | None = None
    add_tags: list[str] = Field(default_factory=list, max_length=30)
    remove_tags: list[str] = Field(default_factory=list, max_length=30)


class MacroIn(Schema):
    name: str = Field(max_length=120)
    body_es: str = Field("", max_length=20000)
    body_en: str = Field("", max_length=20000)
    shared: bool = True
    active: bool = True
    actions: MacroActionsIn = Field(default_factory=MacroActionsIn)


class MacroOut(Schema):
    id: int
    name: str
    body_es: str
    body_en: str
    shared: bool
    active: bool
    owner_id: int | None
    actions: dict[str, Any]
    usage_count: int


class MacroPage(Schema):
    items: list[MacroOut]
    next_cursor: str | None


class MacroApplyIn(Schema):
    send: bool = False


class MacroApplyOut(Schema):
    body: str
    language: str
    changes: dict[str, list[Any]]
    message_id: int | None = None


class RuleIn(Schema):
    name: str = Field(max_length=120)
    team_id: int
    position: int = 100
    active: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict)


class RuleOut(Schema):
    id: int
    name: str
    team_id: int
    position: int
    active: bool
    conditions: dict[str, Any]


class TriggerIn(Schema):
    name: str = Field(max_length=120)
    event: str
    position: int = 100
    active: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict)
    actions: dict[str, Any] = Field(default_factory=dict)


class TriggerOut(Schema):
    id: int
    name: str
    event: str
    position: int
    active: bool
    conditions: dict[str, Any]
    actions: dict[str, Any]


class AutomationIn(Schema):
    name: str = Field(max_length=120)
    position: int = 100
    active: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict)
    actions: dict[str, Any] = Field(default_factory=dict)


class AutomationOut(Schema):
    id: int
    name: str
    position: int
    active: bool
    conditions: dict[str, Any]
    actions: dict[str, Any]


class AssignmentIn(Schema):
    mode: str = Field(max_length=20)


class AssignmentOut(Schema):
    team_id: int
    mode: str
