"""REST endpoints of SLAs (mounted in postventa.api at /api/v1/sla)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.core.errors import NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require
from postventa.helpdesk.sla import policies, selectors
from postventa.helpdesk.sla.schemas import SlaPolicyIn, SlaPolicyOut, SlaPolicyPage, TicketSlaOut

router = Router(tags=["sla"])


@router.get("/policies", response=SlaPolicyPage, summary="SLA policies (the inbox applies them by position)")
def list_policies(request, cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE)):
    require(request.user, "tickets.view")
    page = keyset_page(policies.policy_list(), cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/policies", response={201: SlaPolicyOut}, summary="Create an SLA policy (tickets.manage)")
def create_policy(request, payload: SlaPolicyIn):
    data = payload.dict()
    return Status(201, policies.policy_save(acting_user=request.user, **data))


@router.get("/policies/{policy_id}", response=SlaPolicyOut)
def get_policy(request, policy_id: int):
    require(request.user, "tickets.view")
    return policies.policy_get(policy_id)


@router.put("/policies/{policy_id}", response=SlaPolicyOut, summary="Replace an SLA policy (tickets.manage)")
def update_policy(request, policy_id: int, payload: SlaPolicyIn):
    return policies.policy_save(acting_user=request.user, policy_id=policy_id, **payload.dict())


@router.delete("/policies/{policy_id}", response={204: None}, summary="Delete an SLA policy (tickets.manage)")
def delete_policy(request, policy_id: int):
    policies.policy_delete(acting_user=request.user, policy_id=policy_id)
    return Status(204, None)


@router.get("/tickets/{ticket_id}", response=TicketSlaOut, summary="A ticket's SLA due times and clocks")
def ticket_sla(request, ticket_id: int):
    from postventa.helpdesk.access import require_view
    from postventa.helpdesk.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id).first() if 0 < ticket_id < 2**62 else None
    if ticket is None:
        raise NotFound(_("That ticket does not exist."))
    require_view(request.user, ticket)
    return {
        "ticket_id": ticket.pk,
        "policy_id": ticket.sla_policy_id,
        "first_response_due_at": ticket.first_response_due_at,
        "next_response_due_at": ticket.next_response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "first_response_breached": ticket.sla_first_response_breached,
        "resolution_breached": ticket.sla_resolution_breached,
        "clocks": selectors.clocks_for(ticket),
    }
