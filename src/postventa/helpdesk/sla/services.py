"""Applying SLA policies to tickets and acting on the clocks (warnings, breaches, escalation).

sla_apply() is idempotent: it rebuilds every clock of a ticket from the ticket's measured fields
and its status history, so it can run after any event, in any order, any number of times.
sla_check() runs every minute: each warning and each breach fires once (claimed with a
conditional UPDATE, so two workers never both fire).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from postventa.core.calendars import load_schedule
from postventa.core.errors import ApplicationError
from postventa.core.events import emit
from postventa.helpdesk.models import Message, Priority, Ticket, TicketChange
from postventa.helpdesk.sla import clock
from postventa.helpdesk.sla.models import Metric, SlaPolicy, TicketSla

log = logging.getLogger(__name__)

PRIORITY_STEPS = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


# --- choosing a policy -------------------------------------------------------------------------


def _customer_tags(ticket: Ticket) -> set[str]:
    return {t.lower() for t in ticket.customer.tags.values_list("name", flat=True)}


def _in_segment(ticket: Ticket, segment_id: int) -> bool:
    from postventa.customers.models import Segment
    from postventa.customers.selectors import segment_members

    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return False
    try:
        return segment_members(segment).filter(pk=ticket.customer_id).exists()
    except Exception:  # noqa: BLE001 - a broken segment definition must not stop the SLA clocks
        log.warning("segment %s could not be evaluated for SLA matching", segment_id, exc_info=True)
        return False


def policy_matches(policy: SlaPolicy, ticket: Ticket, *, tags: set[str] | None = None) -> bool:
    """Every condition the policy sets must hold (lists: the ticket's value is one of them)."""
    cond = policy.conditions or {}
    for key, value in (("priorities", ticket.priority), ("channels", ticket.channel), ("types", ticket.type)):
        wanted = cond.get(key) or []
        if wanted and value not in wanted:
            return False
    wanted_tags = {t.lower() for t in cond.get("customer_tags") or []}
    if wanted_tags:
        have = tags if tags is not None else _customer_tags(ticket)
        if not wanted_tags & have:
            return False
    segment_id = cond.get("segment_id")
    return not segment_id or _in_segment(ticket, int(segment_id))


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy (by position) whose conditions the ticket meets."""
    tags: set[str] | None = None
    for policy in (
        SlaPolicy.objects.filter(is_active=True).select_related("calendar").order_by("position", "id")
    ):
        if (policy.conditions or {}).get("customer_tags") and tags is None:
            tags = _customer_tags(ticket)
        if policy_matches(policy, ticket, tags=tags):
            return policy
    return None


# --- which calendar a clock counts in ---------------------------------------------------------


def schedule_for(policy: SlaPolicy):
    """The one rule for the time an SLA counts in: a Schedule, or None for round-the-clock.

    The policy's own calendar when it names one; otherwise the default business calendar
    (core.calendar_services.default_calendar). Round-the-clock only when no calendar exists at
    all, or when the calendar that applies is explicitly open 24 hours every day.
    """
    from postventa.core.calendar_services import default_calendar

    calendar = policy.calendar if policy.calendar_id else default_calendar()
    if calendar is None:
        return None
    schedule = load_schedule(calendar)
    return None if clock.is_around_the_clock(schedule) else schedule


# --- rebuilding the clocks ---------------------------------------------------------------------


def _transitions(ticket: Ticket) -> list[tuple[dt.datetime, str, str]]:
    rows = TicketChange.objects.filter(ticket=ticket, field="status").order_by("created_at", "id")
    return [
        (r.created_at, r.old_value, r.new_value) for r in rows.only("created_at", "old_value", "new_value")
    ]


def _first_message(ticket: Ticket, *, direction: str, after: dt.datetime) -> dt.datetime | None:
    return (
        Message.objects.filter(
            ticket=ticket, direction=direction, kind=Message.Kind.PUBLIC_REPLY, created_at__gt=after
        )
        .order_by("created_at", "id")
        .values_list("created_at", flat=True)
        .first()
    )


def _next_response_window(ticket: Ticket) -> tuple[dt.datetime, dt.datetime | None] | None:
    """(start, answered_at) of the latest customer message awaiting an agent after the first reply."""
    if ticket.first_response_at is None or ticket.last_customer_message_at is None:
        return None
    last_agent = ticket.last_agent_message_at or ticket.first_response_at
    if ticket.last_customer_message_at > last_agent:
        start = _first_message(ticket, direction=Message.Direction.INBOUND, after=last_agent)
        return (start or ticket.last_customer_message_at), None
    return None


def _clock_inputs(
    ticket: Ticket, policy: SlaPolicy
) -> dict[str, tuple[dt.datetime, dt.datetime | None, int]]:
    """metric -> (start, achieved_at, target minutes) for every clock that applies now."""
    out: dict[str, tuple[dt.datetime, dt.datetime | None, int]] = {}
    target = policy.target_minutes(Metric.FIRST_RESPONSE, ticket.priority)
    if target:
        out[Metric.FIRST_RESPONSE] = (ticket.created_at, ticket.first_response_at, target)
    target = policy.target_minutes(Metric.RESOLUTION, ticket.priority)
    if target:
        out[Metric.RESOLUTION] = (ticket.created_at, ticket.solved_at, target)
    return out


@transaction.atomic
def sla_apply(ticket: Ticket, now: dt.datetime | None = None) -> SlaPolicy | None:
    """Choose the ticket's policy and rebuild its clocks and its SLA columns. Returns the policy."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    policy = policy_for(ticket) if not ticket.merged_into_id else None
    existing = {row.metric: row for row in TicketSla.objects.filter(ticket=ticket)}
    if policy is None:
        # No policy: running clocks go; finished ones stay as the record of what happened.
        TicketSla.objects.filter(ticket=ticket, achieved_at__isnull=True, breached_at__isnull=True).delete()
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_policy_id=None, first_response_due_at=None, next_response_due_at=None, resolution_due_at=None
        )
        return None

    schedule = schedule_for(policy)
    pauses = clock.pause_intervals(ticket.created_at, _transitions(ticket), ticket.status)
    warn_before = dt.timedelta(minutes=policy.warn_before_minutes)
    inputs = _clock_inputs(ticket, policy)
    window = _next_response_window(ticket)
    next_target = policy.target_minutes(Metric.NEXT_RESPONSE, ticket.priority)
    if next_target and window is not None:
        inputs[Metric.NEXT_RESPONSE] = (window[0], window[1], next_target)
    elif next_target and Metric.NEXT_RESPONSE in existing:
        row = existing[Metric.NEXT_RESPONSE]
        # The last cycle was answered: it is achieved at the first agent reply after its start.
        if row.achieved_at is None:
            answered = _first_message(ticket, direction=Message.Direction.OUTBOUND, after=row.started_at)
            inputs[Metric.NEXT_RESPONSE] = (
                row.started_at,
                answered or ticket.last_agent_message_at,
                row.target_minutes,
            )

    due: dict[str, TicketSla] = {}
    breaches: list[TicketSla] = []
    for metric, (start, achieved, minutes) in inputs.items():
        computed = clock.compute(
            schedule, start=start, target=dt.timedelta(minutes=minutes), pauses=pauses, now=now,
            until=achieved, warn_before=warn_before,
        )  # fmt: skip
        row = existing.get(metric) or TicketSla(ticket=ticket, metric=metric)
        if row.pk and metric == Metric.NEXT_RESPONSE and row.started_at != start:
            # A new unanswered customer message: a new cycle; the old cycle's miss stays counted.
            row.cycle += 1
            row.achieved_at = row.breached_at = row.warned_at = row.escalated_at = None
            row.warning_sent_at = row.breach_sent_at = None
        row.policy = policy
        row.target_minutes = minutes
        row.started_at = start
        row.paused_seconds = int(computed.paused.total_seconds())
        row.paused_since = None if achieved else computed.paused_since
        row.due_at = computed.due_at
        row.warn_at = computed.warn_at
        row.achieved_at = achieved
        if achieved and achieved > computed.due_at and row.breached_at is None:
            # Answered late, before the minute task saw it: still a breach, without escalation.
            row.breached_at = computed.due_at
            row.breach_count += 1
            breaches.append(row)
        row.save()
        due[metric] = row
    for metric, row in existing.items():
        if metric not in due and row.achieved_at is None and row.breached_at is None:
            row.delete()

    _sync_ticket(ticket, policy, due)
    for row in breaches:
        _emit_breach(ticket, row, escalated=False)
    return policy


def _sync_ticket(ticket: Ticket, policy: SlaPolicy | None, clocks: dict[str, TicketSla]) -> None:
    """Copy due times and outcomes to the ticket's own SLA columns (the inbox reads only those)."""

    def outcome(metric: str) -> bool | None:
        row = clocks.get(metric) or TicketSla.objects.filter(ticket=ticket, metric=metric).first()
        if row is None:
            return None
        if row.breached_at is not None or (metric == Metric.NEXT_RESPONSE and row.breach_count):
            return True
        return False if row.achieved_at is not None else None

    nxt = clocks.get(Metric.NEXT_RESPONSE)
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_policy_id=policy.pk if policy else None,
        first_response_due_at=getattr(clocks.get(Metric.FIRST_RESPONSE), "due_at", None),
        next_response_due_at=nxt.due_at if nxt is not None and nxt.achieved_at is None else None,
        resolution_due_at=getattr(clocks.get(Metric.RESOLUTION), "due_at", None),
        sla_first_response_breached=outcome(Metric.FIRST_RESPONSE),
        sla_resolution_breached=outcome(Metric.RESOLUTION),
    )


def sla_reapply_unsolved(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Re-run sla_apply on every unsolved ticket (after a policy changed). Returns how many.

    One short transaction per ticket, so the inbox is never locked for long.
    """
    from postventa.helpdesk.models import UNSOLVED

    done = 0
    last_id = 0
    while True:
        ids = list(
            Ticket.objects.filter(status__in=UNSOLVED, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        for pk in ids:
            sla_apply(Ticket(pk=pk), now=now)
            done += 1
        last_id = ids[-1]


def policies_counting_in(calendar_id: int, *, affects_default: bool) -> list[int]:
    """Ids of the policies whose clocks count in calendar `calendar_id` (and, when it is or was
    the default, of the policies without a calendar of their own)."""
    from django.db.models import Q

    cond = Q(calendar_id=calendar_id)
    if affects_default:
        cond |= Q(calendar__isnull=True)
    return list(SlaPolicy.objects.filter(cond).values_list("pk", flat=True))


def sla_recompute_for_calendar(
    calendar_id: int, *, affects_default: bool = False, now: dt.datetime | None = None, batch: int = 200
) -> int:
    """Rebuild the clocks of the unsolved tickets whose policy counts in the calendar. Returns how many.

    After opening hours or holidays change, due times move. Tickets are taken in chunks of
    `batch` by id (keyset, so a chunk never re-reads the previous one) and each is rebuilt in its
    own short transaction by sla_apply, which is idempotent: running this twice, or after an
    event on the ticket, gives the same clocks.
    """
    from postventa.helpdesk.models import UNSOLVED

    policy_ids = policies_counting_in(calendar_id, affects_default=affects_default)
    if not policy_ids:
        return 0
    now = now or timezone.now()
    done = 0
    last_id = 0
    while True:
        ids = list(
            Ticket.objects.filter(status__in=UNSOLVED, sla_policy_id__in=policy_ids, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        for pk in ids:
            sla_apply(Ticket(pk=pk), now=now)
            done += 1
        last_id = ids[-1]


# --- warnings and breaches ---------------------------------------------------------------------


def _payload(ticket: Ticket, row: TicketSla, **extra: Any) -> dict[str, Any]:
    from postventa.helpdesk.history import ticket_payload

    return ticket_payload(
        ticket, sla_clock_id=row.pk, metric=row.metric, due_at=row.due_at, policy_id=row.policy_id,
        cycle=row.cycle, **extra,
    )  # fmt: skip


def _emit_breach(ticket: Ticket, row: TicketSla, *, escalated: bool) -> None:
    emit(
        "ticket.sla_breached",
        payload=_payload(ticket, row, breached_at=row.breached_at, escalated=escalated),
        customer_id=ticket.customer_id,
    )


def escalate(ticket: Ticket, policy: SlaPolicy | None, *, now: dt.datetime) -> dict[str, Any]:
    """The policy's breach actions on the ticket: raise priority one step, reassign."""
    from postventa.helpdesk.services import ticket_update

    if policy is None:
        return {}
    changes: dict[str, Any] = {}
    if policy.raise_priority and ticket.priority in PRIORITY_STEPS:
        step = PRIORITY_STEPS.index(ticket.priority)
        if step + 1 < len(PRIORITY_STEPS):
            changes["priority"] = PRIORITY_STEPS[step + 1].value
    if policy.reassign_team_id and policy.reassign_team_id != ticket.team_id:
        changes["team_id"] = policy.reassign_team_id
    if policy.reassign_user_id and policy.reassign_user_id != ticket.assignee_id:
        changes["assignee_id"] = policy.reassign_user_id
    if not changes:
        return {}
    # The system acts (acting_user=None): history says "system", ticket.updated is emitted.
    # Each change in its own savepoint: a reassignment that became invalid (agent deactivated)
    # must not block the priority raise, nor the breach record, which would retry forever.
    applied: dict[str, Any] = {}
    for field, value in changes.items():
        try:
            with transaction.atomic():
                ticket_update(ticket=ticket, acting_user=None, changes={field: value}, now=now)
        except ApplicationError as exc:
            log.warning("SLA escalation of ticket %s could not set %s: %s", ticket.pk, field, exc)
        else:
            applied[field] = value
    return applied


def _claim(row_id: int, **fields: Any) -> bool:
    """Set `fields` only if the first of them is still empty: True for the one caller that wins."""
    first = next(iter(fields))
    return TicketSla.objects.filter(pk=row_id, **{f"{first}__isnull": True}).update(**fields) == 1


def sla_check(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Fire due warnings and breaches (each once). Returns {"warned": n, "breached": n}."""
    now = now or timezone.now()
    warned = breached = 0
    running = TicketSla.objects.filter(
        achieved_at__isnull=True, paused_since__isnull=True, breached_at__isnull=True
    )
    for row_id in list(
        running.filter(due_at__lte=now).order_by("due_at").values_list("pk", flat=True)[:limit]
    ):
        breached += _guarded(_breach, row_id, now)
    for row_id in list(
        running.filter(warn_at__lte=now, warned_at__isnull=True, due_at__gt=now)
        .order_by("warn_at")
        .values_list("pk", flat=True)[:limit]
    ):
        warned += _guarded(_warn, row_id, now)
    return {"warned": warned, "breached": breached}


def _guarded(action, row_id: int, now: dt.datetime) -> int:
    # One broken ticket must not hold back every other ticket's breach; it is retried next minute.
    try:
        return action(row_id, now=now)
    except Exception:  # noqa: BLE001
        log.exception("SLA check failed for clock %s", row_id)
        return 0


@transaction.atomic
def _breach(row_id: int, *, now: dt.datetime) -> int:
    row = TicketSla.objects.select_related("ticket", "policy").filter(pk=row_id).first()
    if row is None or row.breached_at is not None or row.achieved_at is not None:
        return 0
    if not _claim(row.pk, breached_at=row.due_at, escalated_at=now):
        return 0
    row.breached_at, row.escalated_at = row.due_at, now
    TicketSla.objects.filter(pk=row.pk).update(breach_count=row.breach_count + 1)
    ticket = row.ticket
    flag = {
        Metric.FIRST_RESPONSE: "sla_first_response_breached",
        Metric.RESOLUTION: "sla_resolution_breached",
    }.get(row.metric)
    if flag:
        Ticket.objects.filter(pk=ticket.pk).update(**{flag: True})
    actions = escalate(ticket, row.policy, now=now)
    emit(
        "ticket.sla_breached",
        payload=_payload(ticket, row, breached_at=row.breached_at, escalated=True, actions=actions),
        customer_id=ticket.customer_id,
    )
    return 1


@transaction.atomic
def _warn(row_id: int, *, now: dt.datetime) -> int:
    row = TicketSla.objects.select_related("ticket").filter(pk=row_id).first()
    if row is None or row.achieved_at is not None or not _claim(row.pk, warned_at=now):
        return 0
    emit(
        "ticket.sla_warning",
        payload=_payload(row.ticket, row, warn_at=row.warn_at),
        customer_id=row.ticket.customer_id,
    )
    return 1
