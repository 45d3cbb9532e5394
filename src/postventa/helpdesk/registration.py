"""What the helpdesk plugs into the shared registries at start-up (events, timeline, 360 panel, GDPR)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def render_created(entry) -> str:
    return _("Ticket #%(number)s opened: %(subject)s") % {
        "number": entry.data["number"],
        "subject": entry.data.get("subject", ""),
    }


def render_solved(entry) -> str:
    return _("Ticket #%(number)s solved: %(subject)s") % {
        "number": entry.data["number"],
        "subject": entry.data.get("subject", ""),
    }


def tickets_panel(customer, user) -> dict[str, Any] | None:
    from postventa.core.permissions import can
    from postventa.helpdesk.selectors import tickets_of_customer

    if not can(user, "tickets.view"):
        return None
    return {"tickets": tickets_of_customer(customer.pk, user=user, limit=10)}


def move_tickets(source, target) -> int:
    from postventa.helpdesk.models import Attachment, Message, Ticket

    Message.objects.filter(author_customer=source).update(author_customer=target)
    Attachment.objects.filter(uploaded_by_customer=source).update(uploaded_by_customer=target)
    return Ticket.objects.filter(customer=source).update(customer=target)


def register_all() -> None:
    from postventa.core.events import register_event_type
    from postventa.core.registry import register_gdpr
    from postventa.customers.merge import register_merge_mover
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind
    from postventa.helpdesk import gdpr, receivers  # noqa: F401  (receivers register on import)

    register_event_type("ticket.created", gettext_lazy("A ticket was opened"))
    register_event_type("ticket.updated", gettext_lazy("A ticket's fields changed (status, priority, team, assignee, tags...)"))
    register_event_type("ticket.solved", gettext_lazy("A ticket was solved"))
    register_event_type("ticket.message_added", gettext_lazy("A message was added to a ticket (customer, agent or note)"))
    register_event_type("ticket.merged", gettext_lazy("A ticket was merged into another"))
    register_kind("ticket.created", render_created, icon="mail")
    register_kind("ticket.solved", render_solved, icon="check")
    register_panel("tickets", gettext_lazy("Tickets"), "console/helpdesk/_customer_panel.html", tickets_panel, order=5)
    register_merge_mover("helpdesk", move_tickets)
    register_gdpr("helpdesk", exporter=gdpr.export_tickets, eraser=gdpr.erase_tickets)
