"""REST endpoints: take-back and recycling."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Take-back and recycling"])
