"""Reads of helpdesk automation, shaped for the console and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from postventa.helpdesk.automation.models import Automation, Macro, RoutingRule, TeamAssignmentConfig, Trigger


def macros_visible(user, *, active_only: bool = False, q: str = "") -> QuerySet[Macro]:
    """Shared macros plus the user's own; `q` filters by name."""
    qs = Macro.objects.filter(Q(shared=True) | Q(owner_id=getattr(user, "pk", None))).select_related("owner")
    if active_only:
        qs = qs.filter(active=True)
    if q:
        qs = qs.filter(name__icontains=q[:100])
    return qs


def macro_get(user, macro_id: int) -> Macro | None:
    return macros_visible(user).filter(pk=macro_id).first()


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("team").order_by("position", "id")


def team_assignments() -> list[dict]:
    """Every team with its assignment mode (manual when not configured)."""
    from postventa.accounts.models import Team

    configs = {c.team_id: c for c in TeamAssignmentConfig.objects.all()}
    return [{"team": t, "config": configs.get(t.pk)} for t in Team.objects.order_by("name")]


def triggers() -> QuerySet[Trigger]:
    return Trigger.objects.order_by("position", "id")


def automations() -> QuerySet[Automation]:
    return Automation.objects.order_by("position", "id")
