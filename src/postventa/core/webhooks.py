"""Outbound webhooks: fan-out of outbox events to subscriptions, signed delivery with retries."""

from __future__ import annotations


def deliver_due(*, now=None) -> int:
    """Deliver every pending webhook whose next attempt is due. Returns the number attempted."""
    return 0
