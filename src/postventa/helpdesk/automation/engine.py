"""Running routing, triggers and automations on tickets (called by receivers and the periodic task).

All ticket changes go through helpdesk.services.ticket_update with acting_user=None (the system),
so history rows and events stay in one place. The events those changes emit are marked in
AutomationOrigin: triggers skip marked events, so a trigger's own change never fires a trigger.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from postventa.core.errors import ApplicationError
from postventa.core.models import OutboxEvent
from postventa.helpdesk.automation import routing
from postventa.helpdesk.automation.conditions import contains_word, ticket_changes
from postventa.helpdesk.automation.facts import TicketFacts, gather
from postventa.helpdesk.automation.models import (
    Automation,
    AutomationOrigin,
    AutomationRun,
    Macro,
    Trigger,
    TriggerRun,
)
from postventa.helpdesk.models import Message, Status, Ticket

log = logging.getLogger(__name__)

# At most this many trigger runs per ticket in a rolling hour: a last fence against loops between
# triggers and other automatic writers (a channel, an SLA escalation) that we do not control.
MAX_RUNS_PER_TICKET_HOUR = 20


def _load(ticket_id: Any) -> Ticket | None:
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        return None
    return Ticket.objects.select_related("customer", "order").filter(pk=pk).first()


def _snapshot(ticket: Ticket) -> dict[str, Any]:
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
    }


def apply_as_system(
    ticket: Ticket, changes: dict[str, Any], *, source: str
) -> tuple[Ticket, dict[str, list[Any]]]:
    """ticket_update by the system; returns the ticket and {field: [old, new]} of what changed."""
    from postventa.helpdesk.services import ticket_update

    if not changes:
        return ticket, {}
    before = _snapshot(ticket)
    started = timezone.now()
    known = set(
        OutboxEvent.objects.filter(type="ticket.updated", occurred_at__gte=started).values_list(
            "id", flat=True
        )
    )
    ticket = ticket_update(ticket=ticket, acting_user=None, changes=changes)
    after = _snapshot(ticket)
    # The ticket row is locked by ticket_update until commit: the new ticket.updated rows for this
    # ticket since `started` are the ones this call wrote.
    produced = OutboxEvent.objects.filter(
        type="ticket.updated", occurred_at__gte=started, payload__ticket_id=ticket.pk
    ).exclude(id__in=known)
    AutomationOrigin.objects.bulk_create(
        [AutomationOrigin(event_id=pk, source=source[:60]) for pk in produced.values_list("id", flat=True)],
        ignore_conflicts=True,
    )
    return ticket, {k: [before[k], after[k]] for k in before if before[k] != after[k]}


def route(ticket_id: Any) -> dict[str, list[Any]]:
    """A new ticket: the first matching routing rule sets its team, then the team's mode the agent."""
    ticket = _load(ticket_id)
    if ticket is None or ticket.status in (Status.SOLVED, Status.CLOSED) or ticket.merged_into_id:
        return {}
    facts = gather(ticket)
    changes: dict[str, Any] = {}
    team_id = ticket.team_id
    if team_id is None:
        rule = routing.choose_team(facts)
        if rule is not None:
            team_id = changes["team_id"] = rule.team_id
    if team_id is not None and ticket.assignee_id is None:
        agent = routing.choose_agent(facts, team_id)
        if agent is not None:
            changes["assignee_id"] = agent.pk
    try:
        with transaction.atomic():
            _ticket, applied = apply_as_system(ticket, changes, source="routing")
    except ApplicationError as exc:
        # A rule pointing at something that no longer fits (a team removed meanwhile): the ticket
        # stays where it is, and retrying would not help.
        log.warning("routing of ticket %s skipped: %s", ticket.pk, exc.message)
        return {}
    return applied


def trigger_matches(trigger: Trigger, facts: TicketFacts) -> bool:
    conditions = trigger.conditions or {}
    ticket = facts.ticket
    if "channels" in conditions and ticket.channel not in conditions["channels"]:
        return False
    if "priorities" in conditions and ticket.priority not in conditions["priorities"]:
        return False
    if "statuses" in conditions and ticket.status not in conditions["statuses"]:
        return False
    if "keywords" in conditions and not contains_word(facts.text, conditions["keywords"]):
        return False
    return not ("customer_tags" in conditions and not facts.customer_tags & set(conditions["customer_tags"]))


def email_customer(ticket: Ticket, macro_id: int | None, *, key: str, remind: bool = False) -> None:
    """Email the customer a shared macro's text (or the standard reminder), once per `key`."""
    from postventa.helpdesk.automation.rendering import body_for, placeholder_values, render_text
    from postventa.notifications.rendering import language_for
    from postventa.notifications.services import notify_customer

    if ticket.customer.erased_at or not (ticket.customer.email or "").strip():
        return
    context: dict[str, Any] = {
        "first_name": ticket.customer.first_name,
        "ticket_number": ticket.number,
        "ticket_token": ticket.token,
        "subject": ticket.subject,
        "reminder": remind,
        "body": "",
    }
    macro = Macro.objects.filter(pk=macro_id, active=True).first() if macro_id else None
    if macro is not None:
        text = body_for(macro, language_for(ticket.customer))
        context["body"] = render_text(text, placeholder_values(ticket=ticket, agent=None))
    elif not remind:
        return
    notify_customer(
        customer=ticket.customer, template="automation_message", context=context, idempotency_key=key[:200],
        related=ticket,
    )  # fmt: skip


def run_triggers(
    event_type: str, event_id, payload: dict[str, Any], *, now: dt.datetime | None = None
) -> int:
    """Fire the active triggers for one ticket event; returns how many fired."""
    now = now or timezone.now()
    if event_type == "ticket.message_added" and (
        payload.get("direction") != Message.Direction.INBOUND
        or payload.get("kind") != Message.Kind.PUBLIC_REPLY
    ):
        return 0
    if AutomationOrigin.objects.filter(event_id=event_id).exists():
        return 0  # our own change: never a second round
    triggers = list(Trigger.objects.filter(active=True, event=event_type).order_by("position", "id"))
    if not triggers:
        return 0
    ticket = _load(payload.get("ticket_id"))
    if ticket is None:
        return 0
    facts = gather(
        ticket, message_id=payload.get("message_id") if event_type == "ticket.message_added" else None
    )
    fired = 0
    for trigger in triggers:
        recent = TriggerRun.objects.filter(ticket=ticket, created_at__gte=now - dt.timedelta(hours=1)).count()
        if recent >= MAX_RUNS_PER_TICKET_HOUR:
            log.warning("trigger cap reached on ticket %s; %s skipped", ticket.pk, trigger.pk)
            break
        if TriggerRun.objects.filter(trigger=trigger, event_id=event_id).exists():
            continue
        if not trigger_matches(trigger, facts):
            continue
        try:
            with transaction.atomic():
                changes = ticket_changes(trigger.actions or {})
                if ticket.status == Status.CLOSED:
                    changes = {k: v for k, v in changes.items() if k in ("add_tags", "remove_tags")}
                ticket, applied = apply_as_system(ticket, changes, source=f"trigger:{trigger.pk}")
                TriggerRun.objects.create(
                    trigger=trigger, ticket=ticket, event_id=event_id, changes=applied, created_at=now
                )
                if trigger.actions.get("email_macro_id"):
                    email_customer(
                        ticket, trigger.actions["email_macro_id"], key=f"trigger:{trigger.pk}:{event_id}"
                    )
        except ApplicationError as exc:
            # One stale trigger (its team or assignee is gone) must not hold back the others.
            log.warning("trigger %s skipped on ticket %s: %s", trigger.pk, ticket.pk, exc.message)
            continue
        facts.ticket = ticket
        fired += 1
    return fired


def _period(ticket: Ticket) -> str:
    # The status spell the ticket is in: a new spell (reopened, then pending again) is a new period.
    return f"{ticket.status}:{(ticket.status_changed_at or ticket.created_at).isoformat()}"[:60]


def due_tickets(automation: Automation, now: dt.datetime):
    conditions = automation.conditions or {}
    threshold = now - dt.timedelta(hours=int(conditions.get("hours") or 1))
    qs = Ticket.objects.filter(
        status=conditions.get("status"), status_changed_at__lte=threshold, merged_into__isnull=True
    )
    if conditions.get("no_customer_reply"):
        from django.db.models import Q

        qs = qs.filter(Q(last_customer_message_at__isnull=True) | Q(last_customer_message_at__lte=threshold))
    return qs.select_related("customer", "order").order_by("status_changed_at", "id")


def run_automation(automation: Automation, *, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Apply one automation to the tickets due now, each at most once per status spell."""
    now = now or timezone.now()
    done = 0
    for ticket in due_tickets(automation, now)[:limit]:
        period = _period(ticket)
        if AutomationRun.objects.filter(automation=automation, ticket=ticket, period=period).exists():
            continue
        try:
            with transaction.atomic():
                actions = automation.actions or {}
                ticket, applied = apply_as_system(
                    ticket, ticket_changes(actions), source=f"automation:{automation.pk}"
                )
                AutomationRun.objects.create(
                    automation=automation, ticket=ticket, period=period, changes=applied, created_at=now
                )
                if actions.get("remind") or actions.get("email_macro_id"):
                    email_customer(
                        ticket, actions.get("email_macro_id"), remind=bool(actions.get("remind")),
                        key=f"automation:{automation.pk}:{ticket.pk}:{period}",
                    )  # fmt: skip
        except ApplicationError as exc:
            log.warning("automation %s skipped ticket %s: %s", automation.pk, ticket.pk, exc.message)
            continue
        done += 1
    return done


def run_automations(*, now: dt.datetime | None = None) -> int:
    """Every active automation, in position order (the periodic task's job)."""
    now = now or timezone.now()
    total = 0
    for automation in Automation.objects.filter(active=True).order_by("position", "id"):
        try:
            total += run_automation(automation, now=now)
        except Exception:  # noqa: BLE001 - one broken rule must not stop the others
            log.exception("automation %s failed", automation.pk)
    return total
