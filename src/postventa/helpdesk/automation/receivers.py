"""Outbox receivers: routing and assignment of new tickets, and event triggers."""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.helpdesk.automation import engine


@receiver("ticket.created", key="helpdesk_automation.route")
def route(event: Event) -> None:
    engine.route(event.payload.get("ticket_id"))


# Runs after routing (receivers run in key order), so triggers see the routed team.
@receiver("ticket.created", "ticket.message_added", "ticket.updated", key="helpdesk_automation.triggers")
def triggers(event: Event) -> None:
    engine.run_triggers(event.type, event.id, event.payload)
