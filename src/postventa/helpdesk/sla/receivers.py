"""Outbox receivers: keep each ticket's SLA clocks current, and email staff about warnings and breaches."""

from __future__ import annotations

from django.utils import timezone

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic

TICKET_EVENTS = ("ticket.created", "ticket.updated", "ticket.message_added", "ticket.solved", "ticket.merged")


@receiver(*TICKET_EVENTS, key="helpdesk_sla.apply")
def apply_on_change(event: Event) -> None:
    from postventa.helpdesk.models import Ticket
    from postventa.helpdesk.sla.services import sla_apply

    ticket = Ticket.objects.filter(pk=event.payload.get("ticket_id")).first()
    if ticket is not None:
        # Rebuilt from the ticket's current state, so late or repeated events converge.
        sla_apply(ticket, now=timezone.now())


@receiver("ticket.sla_breached", key="helpdesk_sla.notify_breach")
# Outside the outbox transaction: the "sent" mark commits before the SMTP conversation.
@non_atomic
def notify_breach(event: Event) -> None:
    from postventa.helpdesk.sla import notify

    if event.payload.get("escalated"):
        notify.send_once(event.payload, kind="breach")


@receiver("ticket.sla_warning", key="helpdesk_sla.notify_warning")
@non_atomic
def notify_warning(event: Event) -> None:
    from postventa.helpdesk.sla import notify

    notify.send_once(event.payload, kind="warning")


@receiver("calendar.updated", key="helpdesk_sla.recompute_on_calendar")
# Outside the outbox transaction: each ticket is rebuilt in its own short transaction (chunks),
# so a big backlog never holds one long lock; sla_apply is idempotent, so a retry is harmless.
@non_atomic
def recompute_on_calendar(event: Event) -> None:
    from postventa.helpdesk.sla.services import sla_recompute_for_calendar

    calendar_id = event.payload.get("calendar_id")
    if calendar_id:
        sla_recompute_for_calendar(
            int(calendar_id), affects_default=bool(event.payload.get("affects_default")), now=timezone.now()
        )
