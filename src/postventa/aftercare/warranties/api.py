"""REST endpoints: warranties and coverage."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Warranties and coverage"])
