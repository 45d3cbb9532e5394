"""Settings > SLA policies: the ordered list, and one form for conditions, targets and escalation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.helpdesk.models import Channel, Priority, TicketType
from postventa.helpdesk.sla import policies
from postventa.helpdesk.sla.models import Metric

METRICS = [(m.value, m.label) for m in Metric]


def _minutes_label(minutes: int | None) -> str:
    if not minutes:
        return "—"
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": mins}
    return _("%(h)sh") % {"h": hours} if hours else _("%(m)sm") % {"m": mins}


@staff_required("tickets.manage")
def policy_list(request):
    rows = list(policies.policy_list())
    labels = {**dict(Priority.choices), **dict(Channel.choices), **dict(TicketType.choices)}
    for policy in rows:
        cond = policy.conditions or {}
        parts = [
            str(labels.get(v, v)) for key in ("priorities", "channels", "types") for v in cond.get(key, [])
        ]
        parts += [f"#{t}" for t in cond.get("customer_tags", [])]
        if cond.get("segment_id"):
            parts.append(_("segment %(id)s") % {"id": cond["segment_id"]})
        policy.condition_summary = ", ".join(parts)
        policy.targets = [_minutes_label(getattr(policy, f"{m}_minutes")) for m, _label in METRICS]
    return render_page(
        request, "console/sla/list.html", {"nav": "settings", "policies": rows, "metrics": METRICS}
    )


def _choices_context() -> dict:
    from postventa.accounts.models import Team, User
    from postventa.core.models import BusinessCalendar
    from postventa.customers.models import Segment

    staff = list(User.objects.filter(is_active=True).order_by("first_name", "username"))
    return {
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "types": TicketType.choices,
        "metrics": METRICS,
        "calendars": list(BusinessCalendar.objects.order_by("name")),
        "segments": list(Segment.objects.order_by("name").only("pk", "name")),
        "teams": list(Team.objects.order_by("name")),
        "notifiable": [u for u in staff if u.role in ("supervisor", "admin")] or staff,
        "agents": [u for u in staff if u.role in ("agent", "supervisor", "admin")],
    }


def _values_from_policy(policy) -> dict:
    if policy is None:
        return {"position": "10", "warn_before_minutes": "30", "first_response_minutes": "60",
                "next_response_minutes": "240", "resolution_minutes": "1440", "is_active": True,
                "conditions": {}, "overrides": {}, "notify_user_ids": []}  # fmt: skip
    return {
        "name": policy.name,
        "position": policy.position,
        "is_active": policy.is_active,
        "conditions": policy.conditions or {},
        "calendar_id": policy.calendar_id,
        "first_response_minutes": policy.first_response_minutes or "",
        "next_response_minutes": policy.next_response_minutes or "",
        "resolution_minutes": policy.resolution_minutes or "",
        "overrides": policy.priority_overrides or {},
        "warn_before_minutes": policy.warn_before_minutes,
        "notify_user_ids": [u.pk for u in policy.notify_users.all()],
        "raise_priority": policy.raise_priority,
        "reassign_team_id": policy.reassign_team_id,
        "reassign_user_id": policy.reassign_user_id,
    }


def _values_from_post(post) -> dict:
    overrides: dict[str, dict[str, str]] = {}
    for priority in Priority.values:
        for metric, _label in METRICS:
            raw = post.get(f"override_{priority}_{metric}", "").strip()
            if raw:
                overrides.setdefault(priority, {})[metric] = raw
    return {
        "name": post.get("name", ""),
        "position": post.get("position", ""),
        "is_active": post.get("is_active") == "on",
        "conditions": {
            "priorities": post.getlist("priorities"),
            "channels": post.getlist("channels"),
            "types": post.getlist("types"),
            "customer_tags": post.get("customer_tags", ""),
            "segment_id": post.get("segment_id", ""),
        },
        "calendar_id": post.get("calendar_id", ""),
        "first_response_minutes": post.get("first_response_minutes", ""),
        "next_response_minutes": post.get("next_response_minutes", ""),
        "resolution_minutes": post.get("resolution_minutes", ""),
        "overrides": overrides,
        "warn_before_minutes": post.get("warn_before_minutes", ""),
        "notify_user_ids": post.getlist("notify_user_ids"),
        "raise_priority": post.get("raise_priority") == "on",
        "reassign_team_id": post.get("reassign_team_id", ""),
        "reassign_user_id": post.get("reassign_user_id", ""),
    }


def _override_rows(values: dict) -> list[dict]:
    overrides = values.get("overrides") or {}
    return [
        {
            "priority": priority,
            "label": label,
            "cells": [
                {"metric": m, "label": m_label, "value": (overrides.get(priority) or {}).get(m, "")}
                for m, m_label in METRICS
            ],
        }
        for priority, label in Priority.choices
    ]


@staff_required("tickets.manage")
def policy_edit(request, policy_id: int | None = None):
    policy = None
    if policy_id is not None:
        try:
            policy = policies.policy_get(policy_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _values_from_post(request.POST)
        try:
            policy = policies.policy_save(
                acting_user=request.user,
                policy_id=policy_id,
                name=values["name"],
                position=values["position"],
                is_active=values["is_active"],
                conditions=values["conditions"],
                calendar_id=values["calendar_id"],
                first_response_minutes=values["first_response_minutes"],
                next_response_minutes=values["next_response_minutes"],
                resolution_minutes=values["resolution_minutes"],
                priority_overrides=values["overrides"],
                warn_before_minutes=values["warn_before_minutes"],
                notify_user_ids=values["notify_user_ids"],
                raise_priority=values["raise_priority"],
                reassign_team_id=values["reassign_team_id"],
                reassign_user_id=values["reassign_user_id"],
            )
        except ApplicationError as exc:
            errors = {exc.extra.get("field") or "form": exc.message}
        else:
            messages.success(request, _("SLA policy %(name)s saved.") % {"name": policy.name})
            return redirect("console:settings_sla_policy_edit", policy.pk)
    else:
        values = _values_from_policy(policy)
    # Ids compare as text in the template (posted values are strings).
    values["notify_user_ids"] = [str(v) for v in values.get("notify_user_ids") or []]
    for key in ("calendar_id", "reassign_team_id", "reassign_user_id"):
        values[key] = str(values.get(key) or "")
    cond = dict(values.get("conditions") or {})
    if isinstance(cond.get("customer_tags"), list):
        cond["customer_tags"] = ", ".join(cond["customer_tags"])
    cond["segment_id"] = str(cond.get("segment_id") or "")
    values["conditions"] = cond
    context = {
        "nav": "settings",
        "policy": policy,
        "values": values,
        "errors": errors,
        "override_rows": _override_rows(values),
        **_choices_context(),
    }
    return render_page(request, "console/sla/form.html", context, status=400 if errors else 200)


@staff_required("tickets.manage")
@require_POST
def policy_delete(request, policy_id: int):
    try:
        policies.policy_delete(acting_user=request.user, policy_id=policy_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console:settings_sla_policies")
    messages.success(request, _("SLA policy deleted."))
    return redirect("console:settings_sla_policies")
