"""REST endpoints: interest-free payment plans."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Interest-free payment plans"])
