"""/api/v1/phone: log calls, look a caller up by number, list logged calls."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require
from postventa.customers.normalise import as_pk
from postventa.messaging.phone import selectors, services
from postventa.messaging.phone.schemas import CallIn, CallOut, CallPage, LookupOut

router = Router(tags=["phone"])


@router.post("/calls", response={201: CallOut})
def call_log(request: HttpRequest, data: CallIn):
    from postventa.customers.models import Customer
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    ticket = customer = None
    if data.ticket_id is not None:
        ticket = Ticket.objects.select_related("customer").filter(pk=as_pk(data.ticket_id) or 0).first()
        if ticket is None:
            raise NotFound(_("That ticket does not exist."))
        access.require_view(request.auth, ticket)
    if data.customer_id is not None:
        customer = Customer.objects.filter(pk=as_pk(data.customer_id) or 0).first()
        if customer is None:
            raise NotFound(_("That customer does not exist."))
    call = services.log_call(
        acting_user=request.auth, number=data.number, direction=data.direction, duration=data.duration,
        outcome=data.outcome, notes=data.notes, recording_url=data.recording_url, ticket=ticket,
        customer=customer, new_ticket=data.new_ticket,
    )  # fmt: skip
    return Status(201, call)


@router.get("/lookup", response=LookupOut)
def caller_lookup(request: HttpRequest, number: str = ""):
    require(request.auth, "tickets.view")
    found = selectors.caller_lookup(number, user=request.auth)
    return {
        "number": found.number,
        "valid": found.valid,
        "customer_id": getattr(found.customer, "pk", None),
        "customer_name": found.customer.display_name if found.customer is not None else "",
        "open_tickets": found.open_tickets,
    }


@router.get("/calls", response=CallPage)
def call_list(
    request: HttpRequest, customer_id: int | None = None, ticket_id: int | None = None,
    cursor: str | None = None, page_size: int = 50,
):  # fmt: skip
    from postventa.helpdesk.access import visible_q
    from postventa.helpdesk.models import Ticket

    require(request.auth, "tickets.view")
    if (customer_id is not None and not as_pk(customer_id)) or (ticket_id is not None and not as_pk(ticket_id)):
        raise ValidationFailed(_("Ids are positive numbers."), code="bad_id")
    qs = selectors.call_list(customer_id=customer_id, ticket_id=ticket_id)
    qs = qs.filter(ticket__in=Ticket.objects.filter(visible_q(request.auth)).values("pk"))
    page = keyset_page(qs, cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}
