"""Writes and reads of SLA policies (settings pages; an API can call the same functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.permissions import permissions_of, require
from postventa.helpdesk.models import Channel, Priority, TicketType
from postventa.helpdesk.sla.models import Metric, SlaPolicy

MAX_MINUTES = 60 * 24 * 365  # a year: anything longer is a typo
METRICS = [m.value for m in Metric]


def policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar", "reassign_team", "reassign_user").order_by(
        "position", "id"
    )


def policy_get(policy_id: int) -> SlaPolicy:
    if not isinstance(policy_id, int) or not 0 < policy_id < 2**62:
        raise NotFound(_("That SLA policy does not exist."))
    policy = (
        SlaPolicy.objects.select_related("calendar")
        .prefetch_related("notify_users")
        .filter(pk=policy_id)
        .first()
    )
    if policy is None:
        raise NotFound(_("That SLA policy does not exist."))
    return policy


def _fail(message: str, field: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, extra={"field": field})


def _minutes(value: Any, field: str, *, allow_zero: bool = False) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _fail(_("Enter a whole number of minutes."), field) from None
    if number < (0 if allow_zero else 1) or number > MAX_MINUTES:
        raise _fail(_("Enter between 1 minute and a year, in minutes."), field)
    return number


def _number(value: Any, field: str) -> int:
    try:
        number = int(str(value if value not in (None, "") else 0).strip())
    except (TypeError, ValueError):
        raise _fail(_("Enter a whole number."), field) from None
    if number < 0 or number > 2**31 - 1:
        raise _fail(_("Enter a whole number."), field)
    return number


def _choices(values: Iterable[Any] | None, allowed: Iterable[str], field: str) -> list[str]:
    allowed = set(allowed)
    out: list[str] = []
    for value in values or []:
        if not isinstance(value, str) or value not in allowed:
            raise _fail(_("Unknown value %(value)s.") % {"value": str(value)[:40]}, field)
        if value not in out:
            out.append(value)
    return out


def clean_conditions(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validated conditions; empty lists are dropped (no condition = any value)."""
    from postventa.customers.models import Segment

    cond: dict[str, Any] = {
        "priorities": _choices(raw.get("priorities"), Priority.values, "priorities"),
        "channels": _choices(raw.get("channels"), Channel.values, "channels"),
        "types": _choices(raw.get("types"), TicketType.values, "types"),
    }
    tags = raw.get("customer_tags") or []
    if isinstance(tags, str):
        tags = tags.replace(";", ",").split(",")
    clean_tags = sorted({str(t).strip().lower()[:60] for t in tags if str(t).strip()})
    if len(clean_tags) > 30:
        raise _fail(_("Use at most 30 tags."), "customer_tags")
    cond["customer_tags"] = clean_tags
    segment = raw.get("segment_id")
    if segment not in (None, ""):
        try:
            segment_id = int(segment)
        except (TypeError, ValueError):
            raise _fail(_("That segment does not exist."), "segment_id") from None
        if not Segment.objects.filter(pk=segment_id).exists():
            raise _fail(_("That segment does not exist."), "segment_id")
        cond["segment_id"] = segment_id
    return {k: v for k, v in cond.items() if v}


def clean_overrides(raw: Mapping[str, Any] | None) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for priority, targets in (raw or {}).items():
        if priority not in Priority.values or not isinstance(targets, Mapping):
            raise _fail(_("Unknown value %(value)s.") % {"value": str(priority)[:40]}, "priority_overrides")
        row = {}
        for metric, value in targets.items():
            if metric not in METRICS:
                raise _fail(_("Unknown value %(value)s.") % {"value": str(metric)[:40]}, "priority_overrides")
            minutes = _minutes(value, f"override_{priority}_{metric}")
            if minutes:
                row[metric] = minutes
        if row:
            out[priority] = row
    return out


def _user(user_id: Any, field: str, permission: str):
    from postventa.accounts.models import User

    if user_id in (None, ""):
        return None
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise _fail(_("That person cannot be chosen here."), field) from None
    user = User.objects.filter(pk=pk, is_active=True).first() if 0 < pk < 2**62 else None
    if user is None or permission not in permissions_of(user):
        raise _fail(_("That person cannot be chosen here."), field)
    return user


@transaction.atomic
def policy_save(
    *,
    acting_user,
    policy_id: int | None = None,
    name: str,
    position: Any = 0,
    is_active: bool = True,
    conditions: Mapping[str, Any] | None = None,
    calendar_id: Any = None,
    first_response_minutes: Any = None,
    next_response_minutes: Any = None,
    resolution_minutes: Any = None,
    priority_overrides: Mapping[str, Any] | None = None,
    warn_before_minutes: Any = 30,
    notify_user_ids: Iterable[Any] = (),
    raise_priority: bool = False,
    reassign_team_id: Any = None,
    reassign_user_id: Any = None,
) -> SlaPolicy:
    """Create or update a policy (tickets.manage). Tickets pick the change up on their next event."""
    from postventa.accounts.models import Team
    from postventa.core.models import BusinessCalendar

    require(acting_user, "tickets.manage")
    policy = SlaPolicy() if policy_id is None else policy_get(policy_id)
    name = " ".join((name or "").split())
    if not name:
        raise _fail(_("Give the policy a name."), "name")
    if len(name) > 120:
        raise _fail(_("The name is too long."), "name")
    if SlaPolicy.objects.filter(name__iexact=name).exclude(pk=policy.pk).exists():
        raise _fail(_("Another policy already has that name."), "name")
    order = _number(position, "position")
    targets = {
        "first_response_minutes": _minutes(first_response_minutes, "first_response_minutes"),
        "next_response_minutes": _minutes(next_response_minutes, "next_response_minutes"),
        "resolution_minutes": _minutes(resolution_minutes, "resolution_minutes"),
    }
    overrides = clean_overrides(priority_overrides)
    if not any(targets.values()) and not overrides:
        raise _fail(_("Set at least one target."), "first_response_minutes")
    warn = _minutes(warn_before_minutes, "warn_before_minutes", allow_zero=True) or 0
    calendar = None
    if calendar_id not in (None, ""):
        calendar = BusinessCalendar.objects.filter(pk=_number(calendar_id, "calendar_id")).first()
        if calendar is None:
            raise _fail(_("That calendar does not exist."), "calendar_id")
    team = None
    if reassign_team_id not in (None, ""):
        team = Team.objects.filter(pk=_number(reassign_team_id, "reassign_team_id")).first()
        if team is None:
            raise _fail(_("That team does not exist."), "reassign_team_id")
    notify = [_user(uid, "notify_user_ids", "tickets.view") for uid in notify_user_ids or []]
    before = (
        {f: getattr(policy, f) for f in ("name", "position", "is_active", "conditions")} if policy.pk else {}
    )
    policy.name, policy.position, policy.is_active = name, order, bool(is_active)
    policy.conditions = clean_conditions(conditions or {})
    policy.calendar = calendar
    for field, value in targets.items():
        setattr(policy, field, value)
    policy.priority_overrides = overrides
    policy.warn_before_minutes = warn
    policy.raise_priority = bool(raise_priority)
    policy.reassign_team = team
    policy.reassign_user = _user(reassign_user_id, "reassign_user_id", "tickets.change")
    policy.save()
    policy.notify_users.set([u for u in notify if u is not None])
    transaction.on_commit(_reapply_later)
    audit.record(
        actor=acting_user,
        action="sla_policy.updated" if before else "sla_policy.created",
        target=policy,
        changes={k: [str(v), str(getattr(policy, k))] for k, v in before.items() if v != getattr(policy, k)},
    )
    return policy


@transaction.atomic
def policy_delete(*, acting_user, policy_id: int) -> None:
    """Delete a policy; its clocks stay as history (policy emptied), tickets re-match on next change."""
    require(acting_user, "tickets.manage")
    policy = policy_get(policy_id)
    audit.record(actor=acting_user, action="sla_policy.deleted", target=policy)
    policy.delete()
    transaction.on_commit(_reapply_later)


def _reapply_later() -> None:
    from postventa.helpdesk.sla import tasks

    tasks.reapply_unsolved()
