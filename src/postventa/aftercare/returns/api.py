"""REST endpoints: returns and refunds."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Returns and refunds"])
refunds_router = Router(tags=["Refunds and store credit"])
