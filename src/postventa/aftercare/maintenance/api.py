"""REST endpoints: maintenance and owner notices."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Maintenance and owner notices"])
