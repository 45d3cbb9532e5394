"""REST endpoints of helpdesk automation (mounted in postventa.api at /api/v1/automation)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.core.errors import NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require
from postventa.helpdesk.automation import selectors, services
from postventa.helpdesk.automation.models import Automation, RoutingRule, Trigger
from postventa.helpdesk.automation.schemas import (
    AssignmentIn,
    AssignmentOut,
    AutomationIn,
    AutomationOut,
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


def _row(model, pk: int, message: str):
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


@router.put("/routing-rules/{rule_id}", response=RuleOut, summary="Change a routing rule")
def update_rule(request, rule_id: int, payload: RuleIn):
    require(request.user, "tickets.manage")
    rule = _row(RoutingRule, rule_id, _("That rule does not exist."))
    return services.routing_rule_save(acting_user=request.user, rule=rule, **payload.dict())


@router.put("/teams/{team_id}/assignment", response=AssignmentOut, summary="Set a team's assignment mode")
def set_assignment(request, team_id: int, payload: AssignmentIn):
    config = services.team_assignment_set(acting_user=request.user, team_id=team_id, mode=payload.mode)
    return {"team_id": config.team_id, "mode": config.mode}


@router.put("/triggers/{trigger_id}", response=TriggerOut, summary="Change a trigger")
def update_trigger(request, trigger_id: int, payload: TriggerIn):
    require(request.user, "tickets.manage")
    trigger = _row(Trigger, trigger_id, _("That trigger does not exist."))
    return services.trigger_save(acting_user=request.user, trigger=trigger, **payload.dict())


@router.get("/automations", response=list[AutomationOut], summary="Time-based automations (tickets.manage)")
def list_automations(request):
    require(request.user, "tickets.manage", scope="tickets:read")
    return list(selectors.automations()[:500])


@router.post("/automations", response={201: AutomationOut})
def create_automation(request, payload: AutomationIn):
    return Status(201, services.automation_save(acting_user=request.user, **payload.dict()))


@router.put("/automations/{automation_id}", response=AutomationOut, summary="Change an automation")
def update_automation(request, automation_id: int, payload: AutomationIn):
    require(request.user, "tickets.manage")
    automation = _row(Automation, automation_id, _("That automation does not exist."))
    return services.automation_save(acting_user=request.user, automation=automation, **payload.dict())


@router.delete("/automations/{automation_id}", response={204: None})
def delete_automation(request, automation_id: int):
    require(request.user, "tickets.manage")
    automation = _row(Automation, automation_id, _("That automation does not exist."))
    services.automation_delete(acting_user=request.user, automation=automation)
    return Status(204, None)
