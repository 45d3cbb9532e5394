"""Every write of helpdesk automation: rules, team assignment, macros (and applying them), triggers.

Supervisors and admins (tickets.manage) manage routing, triggers, automations and shared
macros; agents (tickets.change) keep personal macros and apply any macro they can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.permissions import can, require
from postventa.helpdesk.automation import conditions as cond
from postventa.helpdesk.automation.models import (
    AssignmentMode,
    Automation,
    Macro,
    RoutingRule,
    TeamAssignmentConfig,
    Trigger,
    TriggerEvent,
)
from postventa.helpdesk.automation.rendering import (
    body_for,
    compile_template,
    placeholder_values,
    render_text,
)


def _name(value: Any) -> str:
    name = " ".join(str(value or "").replace("\x00", "").split())[:120]
    if not name:
        raise ValidationFailed(_("Give it a name."), code="name_missing", extra={"field": "name"})
    return name


def _position(value: Any) -> int:
    try:
        position = int(value if value not in (None, "") else 100)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("The position must be a whole number."), code="bad_position", extra={"field": "position"}
        )
    if not 0 <= position <= 100000:
        raise ValidationFailed(
            _("The position must be a whole number."), code="bad_position", extra={"field": "position"}
        )
    return position


def _team(team_id: Any):
    from postventa.accounts.models import Team

    try:
        team = Team.objects.filter(pk=int(team_id)).first()
    except (TypeError, ValueError):
        team = None
    if team is None:
        raise ValidationFailed(_("Choose a team."), code="bad_team", extra={"field": "team_id"})
    return team


def _save(row, acting_user, action: str, changes: dict[str, Any]):
    row.save()
    audit.record(actor=acting_user, action=action, target=row, changes=changes)
    return row


# Routing rules -------------------------------------------------------------------------------


@transaction.atomic
def routing_rule_save(
    *, acting_user, rule: RoutingRule | None = None, name: str, team_id: Any, conditions: Any,
    position: Any = 100, active: bool = True,
) -> RoutingRule:  # fmt: skip
    """Create (rule=None) or change a routing rule. Unknown condition keys are refused."""
    require(acting_user, "tickets.manage")
    rule = rule or RoutingRule()
    rule.name = _name(name)
    rule.team = _team(team_id)
    rule.conditions = cond.clean_list_conditions(conditions, cond.ROUTING_KEYS)
    rule.position = _position(position)
    rule.active = bool(active)
    action = "routing_rule.updated" if rule.pk else "routing_rule.created"
    return _save(rule, acting_user, action, {"conditions": rule.conditions, "team": rule.team_id})


@transaction.atomic
def routing_rule_delete(*, acting_user, rule: RoutingRule) -> None:
    require(acting_user, "tickets.manage")
    audit.record(actor=acting_user, action="routing_rule.deleted", target=rule)
    rule.delete()


@transaction.atomic
def team_assignment_set(*, acting_user, team_id: Any, mode: str) -> TeamAssignmentConfig:
    require(acting_user, "tickets.manage")
    team = _team(team_id)
    if mode not in AssignmentMode.values:
        raise ValidationFailed(_("Unknown assignment mode %(mode)s.") % {"mode": mode}, code="bad_mode")
    config, _created = TeamAssignmentConfig.objects.get_or_create(team=team)
    if config.mode != mode:
        audit.record(
            actor=acting_user,
            action="team_assignment.updated",
            target=team,
            changes={"mode": [config.mode, mode]},
        )
        config.mode = mode
        config.save(update_fields=["mode", "updated_at"])
    return config


# Macros --------------------------------------------------------------------------------------


def macro_can_see(user, macro: Macro) -> bool:
    return macro.shared or macro.owner_id == getattr(user, "pk", None)


def _require_macro_edit(user, macro: Macro) -> None:
    if macro.shared:
        require(user, "tickets.manage")
    else:
        require(user, "tickets.change")
        if macro.owner_id != user.pk and not can(user, "tickets.manage"):
            raise NotFound(_("That macro does not exist."))


@transaction.atomic
def macro_save(
    *, acting_user, macro: Macro | None = None, name: str, body_es: str = "", body_en: str = "",
    actions: Any = None, shared: bool = True, active: bool = True,
) -> Macro:  # fmt: skip
    """Create (macro=None) or change a macro; both texts are checked in the sandbox first."""
    if macro is not None:
        _require_macro_edit(acting_user, macro)
    macro = macro or Macro(owner=acting_user)
    macro.shared = bool(shared)
    if not macro.shared and macro.owner_id is None:
        macro.owner = acting_user
    _require_macro_edit(acting_user, macro)
    macro.name = _name(name)
    body_es, body_en = str(body_es or "").strip(), str(body_en or "").strip()
    compile_template(body_es)
    compile_template(body_en)
    clean = cond.clean_actions(actions, cond.MACRO_ACTIONS)
    if not body_es and not body_en and not clean:
        raise ValidationFailed(_("A macro needs a reply text or at least one action."), code="macro_empty")
    macro.body_es, macro.body_en, macro.actions, macro.active = body_es, body_en, clean, bool(active)
    action = "macro.updated" if macro.pk else "macro.created"
    return _save(macro, acting_user, action, {"name": macro.name, "shared": macro.shared, "actions": clean})


@transaction.atomic
def macro_delete(*, acting_user, macro: Macro) -> None:
    _require_macro_edit(acting_user, macro)
    audit.record(actor=acting_user, action="macro.deleted", target=macro)
    macro.delete()


@dataclass
class MacroResult:
    body: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    language: str = "es"
    message_id: int | None = None


def macro_render(*, macro: Macro, ticket, acting_user) -> tuple[str, str]:
    """(reply text, language): the macro in the ticket's language with its placeholders filled."""
    language = (ticket.language or ticket.customer.language or "es")[:2]
    language = language if language in ("es", "en") else "es"
    text = render_text(body_for(macro, language), placeholder_values(ticket=ticket, agent=acting_user))
    return text, language


@transaction.atomic
def macro_apply(*, macro: Macro, ticket, acting_user, send: bool = False) -> MacroResult:
    """Render the reply and apply the macro's actions. It does not send unless `send=True`.

    Without `send`, the text is for the composer (the agent reviews it). With `send`, the reply
    goes out through helpdesk.services.reply, leaving the status the macro sets (or pending).
    """
    from postventa.helpdesk import access
    from postventa.helpdesk.automation.engine import _snapshot
    from postventa.helpdesk.models import Status, Ticket
    from postventa.helpdesk.services import reply, ticket_update

    access.require_change(acting_user, ticket)
    if not macro.active or not macro_can_see(acting_user, macro):
        raise NotFound(_("That macro does not exist."))
    ticket = Ticket.objects.select_related("customer", "order").get(pk=ticket.pk)
    body, language = macro_render(macro=macro, ticket=ticket, acting_user=acting_user)
    before = _snapshot(ticket)
    changes = cond.ticket_changes(macro.actions or {})
    message_id = None
    if send:
        if not body:
            raise ValidationFailed(_("This macro has no reply text to send."), code="body_missing")
        status = changes.pop("status", None) or Status.PENDING
        message = reply(ticket=ticket, acting_user=acting_user, body=body, macro=macro, status=status)
        message_id = message.pk
        ticket.refresh_from_db()
    if changes:
        ticket = ticket_update(ticket=ticket, acting_user=acting_user, changes=changes)
    after = _snapshot(ticket)
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)
    return MacroResult(
        body=body, language=language, message_id=message_id,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )  # fmt: skip


def macro_preview(*, macro: Macro, ticket, acting_user) -> str:
    """The rendered text only (no change), e.g. to show in the picker."""
    from postventa.helpdesk import access

    access.require_view(acting_user, ticket)
    if not macro_can_see(acting_user, macro):
        raise NotFound(_("That macro does not exist."))
    return macro_render(macro=macro, ticket=ticket, acting_user=acting_user)[0]


# Triggers and automations --------------------------------------------------------------------


@transaction.atomic
def trigger_save(
    *, acting_user, trigger: Trigger | None = None, name: str, event: str, conditions: Any, actions: Any,
    position: Any = 100, active: bool = True,
) -> Trigger:  # fmt: skip
    require(acting_user, "tickets.manage")
    if event not in TriggerEvent.values:
        raise ValidationFailed(
            _("Unknown event %(event)s.") % {"event": event}, code="bad_event", extra={"field": "event"}
        )
    clean_actions = cond.clean_actions(actions, cond.TRIGGER_ACTIONS)
    if not clean_actions:
        raise ValidationFailed(
            _("Choose at least one action."), code="actions_missing", extra={"field": "actions"}
        )
    trigger = trigger or Trigger()
    trigger.name, trigger.event, trigger.position, trigger.active = (
        _name(name),
        event,
        _position(position),
        bool(active),
    )
    trigger.conditions = cond.clean_list_conditions(conditions, cond.TRIGGER_KEYS)
    trigger.actions = clean_actions
    action = "trigger.updated" if trigger.pk else "trigger.created"
    return _save(trigger, acting_user, action, {"conditions": trigger.conditions, "actions": clean_actions})


@transaction.atomic
def trigger_delete(*, acting_user, trigger: Trigger) -> None:
    require(acting_user, "tickets.manage")
    audit.record(actor=acting_user, action="trigger.deleted", target=trigger)
    trigger.delete()


@transaction.atomic
def automation_save(
    *, acting_user, automation: Automation | None = None, name: str, conditions: Any, actions: Any,
    position: Any = 100, active: bool = True,
) -> Automation:  # fmt: skip
    require(acting_user, "tickets.manage")
    clean_conditions = cond.clean_automation_conditions(conditions)
    clean_actions = cond.clean_actions(actions, cond.AUTOMATION_ACTIONS)
    if not clean_actions:
        raise ValidationFailed(
            _("Choose at least one action."), code="actions_missing", extra={"field": "actions"}
        )
    if clean_actions.get("status") == clean_conditions["status"]:
        raise ValidationFailed(_("The new status must differ from the watched one."), code="bad_action")
    automation = automation or Automation()
    automation.name, automation.position, automation.active = _name(name), _position(position), bool(active)
    automation.conditions, automation.actions = clean_conditions, clean_actions
    action = "automation.updated" if automation.pk else "automation.created"
    return _save(automation, acting_user, action, {"conditions": clean_conditions, "actions": clean_actions})


@transaction.atomic
def automation_delete(*, acting_user, automation: Automation) -> None:
    require(acting_user, "tickets.manage")
    audit.record(actor=acting_user, action="automation.deleted", target=automation)
    automation.delete()
