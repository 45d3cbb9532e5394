"""What the helpdesk plugs into the shared registries at start-up (events, timeline, 360 panel)."""

from __future__ import annotations


def register_all() -> None:
    pass
