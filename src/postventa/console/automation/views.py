"""Settings > Routing, Macros, Triggers, Automations; and the macro picker of the ticket composer."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.automation.forms import actions_from, as_text, conditions_from
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.permissions import can
from postventa.helpdesk.automation import conditions as cond
from postventa.helpdesk.automation import selectors, services
from postventa.helpdesk.automation.models import (
    AssignmentMode,
    Automation,
    RoutingRule,
    Trigger,
    TriggerEvent,
)
from postventa.helpdesk.automation.rendering import PLACEHOLDERS
from postventa.helpdesk.models import Channel, Priority, Status


def _choices() -> dict:
    from postventa.accounts.models import Team

    return {
        "channels": Channel.choices,
        "languages": [("es", _("Spanish")), ("en", _("English"))],
        "priorities": Priority.choices,
        "statuses": Status.choices,
        "action_statuses": [c for c in Status.choices if c[0] != Status.NEW],
        "events": TriggerEvent.choices,
        "modes": AssignmentMode.choices,
        "teams": list(Team.objects.order_by("name").only("id", "name")),
    }


def _values(row) -> dict:
    """What the form shows for an existing rule: lists as comma-separated text."""
    if row is None:
        return {"active": True, "position": 100, "conditions": {}, "actions": {}}
    conditions = dict(row.conditions or {})
    text = {
        k: as_text(conditions.get(k))
        for k in ("keywords", "categories", "products", "customer_tags", "segments")
    }
    return {"row": row, "name": row.name, "active": row.active, "position": getattr(row, "position", 100),
            "conditions": conditions, "text": text, "actions": dict(getattr(row, "actions", {}) or {})}  # fmt: skip


def _error_page(request, template, context, exc: ApplicationError):
    context["error"] = exc.message
    return render_page(request, template, context, status=400)


# Routing -------------------------------------------------------------------------------------


@staff_required("tickets.manage")
def routing(request, rule_id: int | None = None):
    rule = get_object_or_404(RoutingRule, pk=rule_id) if rule_id else None
    context = {"nav": "settings", "rules": list(selectors.routing_rules()), "assignments": selectors.team_assignments(),
               "values": _values(rule), **_choices()}  # fmt: skip
    if request.method == "POST":
        try:
            services.routing_rule_save(
                acting_user=request.user, rule=rule, name=request.POST.get("name", ""),
                team_id=request.POST.get("team_id"), position=request.POST.get("position"),
                active=bool(request.POST.get("active")), conditions=conditions_from(request.POST, cond.ROUTING_KEYS),
            )  # fmt: skip
        except ApplicationError as exc:
            return _error_page(request, "console/automation/routing.html", context, exc)
        messages.success(request, _("Routing rule saved."))
        return redirect("console:automation_routing")
    return render_page(request, "console/automation/routing.html", context)


@staff_required("tickets.manage")
@require_POST
def routing_delete(request, rule_id: int):
    services.routing_rule_delete(acting_user=request.user, rule=get_object_or_404(RoutingRule, pk=rule_id))
    messages.success(request, _("Routing rule deleted."))
    return redirect("console:automation_routing")


@staff_required("tickets.manage")
@require_POST
def assignment_mode(request, team_id: int):
    try:
        services.team_assignment_set(
            acting_user=request.user, team_id=team_id, mode=request.POST.get("mode", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Assignment mode saved."))
    return redirect("console:automation_routing")


# Macros --------------------------------------------------------------------------------------


@staff_required("tickets.change")
def macros(request, macro_id: int | None = None):
    macro = None
    if macro_id:
        macro = selectors.macro_get(request.user, macro_id)
        if macro is None:
            raise Http404(_("That macro does not exist."))
    manage = can(request.user, "tickets.manage")
    values = {"shared": manage, "active": True, "actions": {}}
    if macro is not None:
        values = {"row": macro, "name": macro.name, "shared": macro.shared, "active": macro.active,
                  "body_es": macro.body_es, "body_en": macro.body_en, "actions": dict(macro.actions)}  # fmt: skip
    context = {"nav": "settings", "macros": list(selectors.macros_visible(request.user)), "values": values,
               "can_share": manage, "placeholders": PLACEHOLDERS, **_choices()}  # fmt: skip
    if request.method == "POST":
        post = request.POST
        actions = actions_from(post, ("status", "priority", "team_id"))
        for key in ("add_tags", "remove_tags"):
            if post.get(f"action_{key}", "").strip():
                actions[key] = post[f"action_{key}"]
        try:
            services.macro_save(
                acting_user=request.user, macro=macro, name=post.get("name", ""), body_es=post.get("body_es", ""),
                body_en=post.get("body_en", ""), shared=bool(post.get("shared")) and manage,
                active=bool(post.get("active")), actions=actions,
            )  # fmt: skip
        except ApplicationError as exc:
            context["values"] = {
                **values,
                **post.dict(),
                "actions": actions,
                "shared": bool(post.get("shared")),
            }
            return _error_page(request, "console/automation/macros.html", context, exc)
        messages.success(request, _("Macro saved."))
        return redirect("console:automation_macros")
    return render_page(request, "console/automation/macros.html", context)


@staff_required("tickets.change")
@require_POST
def macro_delete(request, macro_id: int):
    macro = selectors.macro_get(request.user, macro_id)
    if macro is None:
        raise Http404(_("That macro does not exist."))
    try:
        services.macro_delete(acting_user=request.user, macro=macro)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Macro deleted."))
    return redirect("console:automation_macros")


@staff_required("tickets.change")
def macro_picker(request, ticket_id: int):
    """GET: the picker (select + button). POST: apply the macro; the answer is the reply text."""
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or not access.can_see(request.user, ticket):
        raise Http404(_("That ticket does not exist."))
    if request.method != "POST":
        context = {
            "ticket": ticket,
            "picker_macros": list(selectors.macros_visible(request.user, active_only=True)),
        }
        return render_page(request, "console/automation/_macro_picker.html", context)
    raw = request.POST.get("macro_id", "")
    macro = selectors.macro_get(request.user, int(raw)) if raw.isdigit() and len(raw) < 18 else None
    if macro is None:
        return HttpResponse(_("Choose a macro."), status=422, content_type="text/plain; charset=utf-8")
    try:
        result = services.macro_apply(macro=macro, ticket=ticket, acting_user=request.user)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(result.body, content_type="text/plain; charset=utf-8")
    # The workspace can refresh its header and history when fields changed.
    response["HX-Trigger"] = json.dumps({"macroApplied": {"macro_id": macro.pk, "changes": result.changes}})
    return response


# Triggers and automations ---------------------------------------------------------------------


@staff_required("tickets.manage")
def triggers(request, trigger_id: int | None = None):
    trigger = get_object_or_404(Trigger, pk=trigger_id) if trigger_id else None
    context = {"nav": "settings", "triggers": list(selectors.triggers()), "values": _values(trigger),
               "macros": list(selectors.macros_visible(request.user).filter(shared=True)), **_choices()}  # fmt: skip
    if request.method == "POST":
        actions = actions_from(request.POST, cond.TRIGGER_ACTIONS)
        try:
            services.trigger_save(
                acting_user=request.user, trigger=trigger, name=request.POST.get("name", ""),
                event=request.POST.get("event", ""), position=request.POST.get("position"),
                active=bool(request.POST.get("active")),
                conditions=conditions_from(request.POST, cond.TRIGGER_KEYS), actions=actions,
            )  # fmt: skip
        except ApplicationError as exc:
            return _error_page(request, "console/automation/triggers.html", context, exc)
        messages.success(request, _("Trigger saved."))
        return redirect("console:automation_triggers")
    return render_page(request, "console/automation/triggers.html", context)


@staff_required("tickets.manage")
@require_POST
def trigger_delete(request, trigger_id: int):
    services.trigger_delete(acting_user=request.user, trigger=get_object_or_404(Trigger, pk=trigger_id))
    messages.success(request, _("Trigger deleted."))
    return redirect("console:automation_triggers")


@staff_required("tickets.manage")
def automations(request, automation_id: int | None = None):
    automation = get_object_or_404(Automation, pk=automation_id) if automation_id else None
    context = {"nav": "settings", "automations": list(selectors.automations()), "values": _values(automation),
               "macros": list(selectors.macros_visible(request.user).filter(shared=True)), **_choices()}  # fmt: skip
    if request.method == "POST":
        post = request.POST
        try:
            services.automation_save(
                acting_user=request.user, automation=automation, name=post.get("name", ""),
                position=post.get("position"), active=bool(post.get("active")),
                conditions={"status": post.get("status", ""), "hours": post.get("hours", ""),
                            "no_customer_reply": bool(post.get("no_customer_reply"))},
                actions=actions_from(post, cond.AUTOMATION_ACTIONS),
            )  # fmt: skip
        except ApplicationError as exc:
            return _error_page(request, "console/automation/automations.html", context, exc)
        messages.success(request, _("Automation saved."))
        return redirect("console:automation_automations")
    return render_page(request, "console/automation/automations.html", context)


@staff_required("tickets.manage")
@require_POST
def automation_delete(request, automation_id: int):
    services.automation_delete(
        acting_user=request.user, automation=get_object_or_404(Automation, pk=automation_id)
    )
    messages.success(request, _("Automation deleted."))
    return redirect("console:automation_automations")
