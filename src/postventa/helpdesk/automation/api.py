"""REST endpoints of helpdesk automation (mounted in postventa.api at /api/v1/automation)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.core.errors import NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require
from postventa.helpdesk.automation import selectors, services
from postventa.helpdesk.automation.models import RoutingRule, Trigger
from postventa.helpdesk.automation.schemas import (
    MacroApplyIn,
    MacroApplyOut,
    MacroIn,
    MacroOut,
    MacroPage,
    RuleIn,
    RuleOut,
    TriggerIn,
    TriggerOut,
)

router = Router(tags=["automation"])


def _macro(request, macro_id: int):
    macro = selectors.macro_get(request.user, macro_id)
    if macro is None:
        raise NotFound(_("That macro does not exist."))
    return macro


@router.get("/macros", response=MacroPage, summary="Macros I can use: shared ones and my own")
def list_macros(
    request, cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE), q: str = ""
):
    require(request.user, "tickets.view")
    page = keyset_page(selectors.macros_visible(request.user, q=q), cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/macros", response={201: MacroOut}, summary="Create a macro (shared ones need tickets.manage)")
def create_macro(request, payload: MacroIn):
    data = payload.dict()
    macro = services.macro_save(acting_user=request.user, **data)
    return Status(201, macro)


@router.get("/macros/{macro_id}", response=MacroOut)
def get_macro(request, macro_id: int):
    require(request.user, "tickets.view")
    return _macro(request, macro_id)


@router.put("/macros/{macro_id}", response=MacroOut, summary="Change a macro")
def update_macro(request, macro_id: int, payload: MacroIn):
    return services.macro_save(acting_user=request.user, macro=_macro(request, macro_id), **payload.dict())


@router.delete("/macros/{macro_id}", response={204: None})
def delete_macro(request, macro_id: int):
    services.macro_delete(acting_user=request.user, macro=_macro(request, macro_id))
    return Status(204, None)


@router.post(
    "/macros/{macro_id}/apply/{ticket_id}", response=MacroApplyOut,
    summary="Apply a macro to a ticket: the rendered reply and the field changes (send=true also sends it)",
)  # fmt: skip
def apply_macro(request, macro_id: int, ticket_id: int, payload: MacroApplyIn | None = None):
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    require(request.user, "tickets.change")
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("That ticket does not exist."))
    access.require_change(request.user, ticket)
    result = services.macro_apply(
        macro=_macro(request, macro_id),
        ticket=ticket,
        acting_user=request.user,
        send=bool(payload and payload.send),
    )
    return {
        "body": result.body,
        "language": result.language,
        "changes": result.changes,
        "message_id": result.message_id,
    }


@router.get("/routing-rules", response=list[RuleOut], summary="Routing rules in order (tickets.manage)")
def list_rules(request):
    require(request.user, "tickets.manage", scope="tickets:read")
    return list(selectors.routing_rules()[:500])


@router.post("/routing-rules", response={201: RuleOut})
def create_rule(request, payload: RuleIn):
    return Status(201, services.routing_rule_save(acting_user=request.user, **payload.dict()))


@router.delete("/routing-rules/{rule_id}", response={204: None})
def delete_rule(request, rule_id: int):
    require(request.user, "tickets.manage")
    rule = RoutingRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("That rule does not exist."))
    services.routing_rule_delete(acting_user=request.user, rule=rule)
    return Status(204, None)


@router.get("/triggers", response=list[TriggerOut], summary="Triggers in order (tickets.manage)")
def list_triggers(request):
    require(request.user, "tickets.manage", scope="tickets:read")
    return list(selectors.triggers()[:500])


@router.post("/triggers", response={201: TriggerOut})
def create_trigger(request, payload: TriggerIn):
    return Status(201, services.trigger_save(acting_user=request.user, **payload.dict()))


@router.delete("/triggers/{trigger_id}", response={204: None})
def delete_trigger(request, trigger_id: int):
    require(request.user, "tickets.manage")
    trigger = Trigger.objects.filter(pk=trigger_id).first()
    if trigger is None:
        raise NotFound(_("That trigger does not exist."))
    services.trigger_delete(acting_user=request.user, trigger=trigger)
    return Status(204, None)
