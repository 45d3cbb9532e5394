"""Reads for the call log and the caller lookup."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from postventa.messaging.phone.models import PhoneCall


@dataclass
class CallerLookup:
    number: str = ""
    valid: bool = False
    customer: object | None = None
    open_tickets: list = field(default_factory=list)


def caller_lookup(number: str, *, user) -> CallerLookup:
    """Who is calling from `number`, and their unsolved tickets the user may see (newest first)."""
    from postventa.customers.normalise import try_normalise_phone
    from postventa.customers.selectors import customer_find
    from postventa.helpdesk.access import visible_tickets
    from postventa.helpdesk.models import UNSOLVED, Ticket

    normalised = try_normalise_phone(number or "") if (number or "").strip() and "\x00" not in number else None
    if not normalised:
        return CallerLookup(number=(number or "")[:40])
    customer = customer_find(phone=normalised)
    tickets = []
    if customer is not None:
        qs = Ticket.objects.filter(customer=customer, status__in=UNSOLVED, merged_into__isnull=True)
        tickets = list(visible_tickets(user, qs).select_related("assignee").order_by("-updated_at", "-id")[:10])
    return CallerLookup(number=normalised, valid=True, customer=customer, open_tickets=tickets)


def call_list(*, customer_id: int | None = None, ticket_id: int | None = None) -> QuerySet[PhoneCall]:
    qs = PhoneCall.objects.select_related("customer", "ticket", "logged_by")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if ticket_id:
        qs = qs.filter(ticket_id=ticket_id)
    return qs
