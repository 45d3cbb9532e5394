"""API schemas for accounts: XIn / XOut pairs."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    language: str
    time_zone: str
    availability: str
    permissions: list[str]
    # None for a browser session (the role decides alone); the token's scopes otherwise.
    scopes: list[str] | None
    token_id: int | None


class AvailabilityIn(Schema):
    availability: str


class TeamRefOut(Schema):
    id: int
    name: str


class SkillOut(Schema):
    id: int
    kind: str
    code: str
    name: str


class UserOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    is_active: bool
    language: str
    availability: str
    capacity: int
    teams: list[TeamRefOut]
    skills: list[SkillOut]
    date_joined: datetime
    last_login: datetime | None


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class TeamIn(Schema):
    name: str
    description: str = ""
    email: str = ""


class TeamOut(Schema):
    id: int
    name: str
    description: str
    email: str
    member_count: int = 0


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None
