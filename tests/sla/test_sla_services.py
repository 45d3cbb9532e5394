"""SLA policies on real tickets: selection, due times on business hours, pauses, warnings, breaches."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from postventa.core.models import OutboxEvent
from postventa.helpdesk import services as helpdesk
from postventa.helpdesk.models import Ticket, TicketChange
from postventa.helpdesk.sla import services as sla
from postventa.helpdesk.sla.models import TicketSla

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MADRID)


def events(event_type: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type=event_type).order_by("occurred_at"))


def settle(drain_outbox, now: dt.datetime) -> None:
    """Run the worker at `now`: the SLA receiver rebuilds the clocks as the worker would."""
    # Events were written at the real time; make them due at the simulated one.
    OutboxEvent.objects.filter(status="pending").update(next_attempt_at=now)
    with time_machine.travel(now, tick=False):
        drain_outbox()


def clocks(ticket) -> dict[str, TicketSla]:
    return {row.metric: row for row in TicketSla.objects.filter(ticket=ticket)}


# --- policy selection ------------------------------------------------------------------------


def test_first_matching_policy_by_position_wins(make_policy, inbound, customer):
    from postventa.customers.models import Tag

    make_policy("Inactive VIP", position=0, is_active=False, conditions={"customer_tags": ["vip"]})
    urgent = make_policy("Urgent", position=1, conditions={"priorities": ["urgent"]})
    vip = make_policy("VIP", position=2, conditions={"customer_tags": ["VIP"]})
    chat_complaints = make_policy(
        "Chat complaints", position=3, conditions={"channels": ["web_chat"], "types": ["complaint"]}
    )
    fallback = make_policy("Everything else", position=9)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))

    assert sla.policy_for(ticket) == fallback
    ticket.channel, ticket.type = "web_chat", "complaint"
    assert sla.policy_for(ticket) == chat_complaints
    ticket.type = "question"
    assert sla.policy_for(ticket) == fallback
    customer.tags.add(Tag.objects.create(name="vip"))
    assert sla.policy_for(ticket) == vip  # tags compare without case
    ticket.priority = "urgent"
    assert sla.policy_for(ticket) == urgent  # earlier position beats the VIP policy
    fallback.delete()
    ticket.priority, ticket.channel = "normal", "email"
    customer.tags.clear()
    assert sla.policy_for(ticket) is None


def test_segment_condition_uses_segment_membership(make_policy, inbound, customer, supervisor):
    from postventa.customers.models import Tag
    from postventa.customers.segments import segment_create

    segment = segment_create(
        acting_user=supervisor, name="Empresas",
        definition={"match": "all", "conditions": [{"key": "tag", "params": {"tag": "b2b"}}]},
    )  # fmt: skip
    business = make_policy("Business", position=1, conditions={"segment_id": segment.pk})
    other = make_policy("Other", position=2)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    assert sla.policy_for(ticket) == other
    customer.tags.add(Tag.objects.create(name="b2b"))
    assert sla.policy_for(ticket) == business


def test_priority_override_replaces_the_policy_target(make_policy):
    policy = make_policy(priority_overrides={"urgent": {"first_response": 15}})
    assert policy.target_minutes("first_response", "urgent") == 15
    assert policy.target_minutes("first_response", "normal") == 60
    assert policy.target_minutes("resolution", "urgent") == 480


# --- due times, pauses, outcomes -------------------------------------------------------------


def test_due_times_follow_business_hours_and_pauses(
    make_policy, office_calendar, inbound, agent, drain_outbox
):
    make_policy(calendar=office_calendar)
    # given: a mail on Friday 5 June 2026 at 18:30, half an hour before closing
    ticket, _m, _c = inbound(now=at(2026, 6, 5, 18, 30), external_id="<a@x>", thread_keys=["<a@x>"])
    settle(drain_outbox, at(2026, 6, 5, 18, 31))
    ticket.refresh_from_db()
    # then: 30 min on Friday + 30 min on Monday; resolution 8 h = 0.5 Fri + 5 + 2.5 Mon
    assert ticket.sla_policy_id is not None
    assert ticket.first_response_due_at == at(2026, 6, 8, 9, 30)
    assert ticket.resolution_due_at == at(2026, 6, 8, 18, 30)
    assert ticket.next_response_due_at is None
    assert ticket.sla_first_response_breached is None

    # when: the agent answers on Monday 09:10 (ticket goes pending: the clock stops)
    helpdesk.reply(ticket=ticket, acting_user=agent, body="¿Nos envía una foto?", now=at(2026, 6, 8, 9, 10))
    settle(drain_outbox, at(2026, 6, 8, 9, 11))
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert ticket.sla_first_response_breached is False
    rows = clocks(ticket)
    assert rows["first_response"].achieved_at == at(2026, 6, 8, 9, 10)
    assert rows["resolution"].paused_since == at(2026, 6, 8, 9, 10)

    # when: the customer answers at 11:10: two business hours paused, a next-response clock starts
    inbound("Adjunto foto", now=at(2026, 6, 8, 11, 10), external_id="<b@x>", thread_keys=["<a@x>"])
    settle(drain_outbox, at(2026, 6, 8, 11, 11))
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolution_due_at == at(2026, 6, 9, 10, 30)  # 18:30 + 2 h: 0.5 Mon + 1.5 Tue
    assert ticket.next_response_due_at == at(2026, 6, 8, 13, 10)
    rows = clocks(ticket)
    assert rows["resolution"].paused_seconds == 2 * 3600
    assert rows["resolution"].paused_since is None
    assert TicketChange.objects.filter(ticket=ticket, field="status").count() == 2  # new->pending->open

    # when: solved on Monday 17:00, before the resolution target
    helpdesk.ticket_update(
        ticket=ticket, acting_user=agent, changes={"status": "solved"}, now=at(2026, 6, 8, 17)
    )
    settle(drain_outbox, at(2026, 6, 8, 17, 1))
    ticket.refresh_from_db()
    assert ticket.sla_resolution_breached is False
    assert clocks(ticket)["resolution"].achieved_at == at(2026, 6, 8, 17)


def test_recomputing_is_idempotent(make_policy, office_calendar, inbound, drain_outbox):
    make_policy(calendar=office_calendar)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    first = {m: (r.due_at, r.warn_at, r.paused_seconds) for m, r in clocks(ticket).items()}
    sla.sla_apply(ticket, now=at(2026, 6, 1, 12))
    sla.sla_apply(ticket, now=at(2026, 6, 1, 12))
    assert {m: (r.due_at, r.warn_at, r.paused_seconds) for m, r in clocks(ticket).items()} == first
    assert TicketSla.objects.filter(ticket=ticket).count() == 2


def test_around_the_clock_policy_without_calendar(make_policy, inbound, drain_outbox):
    make_policy(first_response_minutes=90)
    ticket, _m, _c = inbound(now=at(2026, 6, 6, 23, 0))  # a Saturday night
    settle(drain_outbox, at(2026, 6, 6, 23, 1))
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == at(2026, 6, 7, 0, 30)


def test_late_answer_is_a_breach_without_escalation(
    make_policy, office_calendar, inbound, agent, drain_outbox
):
    make_policy(calendar=office_calendar, raise_priority=True)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    # the agent answers at 11:30, after the 11:00 target, before the minute task ran
    helpdesk.reply(ticket=ticket, acting_user=agent, body="Perdone la espera", now=at(2026, 6, 1, 11, 30))
    settle(drain_outbox, at(2026, 6, 1, 11, 31))
    ticket.refresh_from_db()
    assert ticket.sla_first_response_breached is True
    assert ticket.priority == "normal"
    breached = events("ticket.sla_breached")
    assert [(e.payload["metric"], e.payload["escalated"]) for e in breached] == [("first_response", False)]
    assert sla.sla_check(now=at(2026, 6, 1, 12)) == {"warned": 0, "breached": 0}


# --- warnings and escalation -----------------------------------------------------------------


@pytest.fixture
def boss(make_user):
    return make_user("sofia.jefa", role="supervisor", email="sofia@example.com", first_name="Sofía")


def test_warning_and_breach_fire_once_escalate_and_email_the_supervisor(
    make_policy, office_calendar, inbound, drain_outbox, boss, make_user, smtp_server
):
    from postventa.accounts.models import Team

    escalation_team = Team.objects.create(name="Escalations")
    policy = make_policy(calendar=office_calendar, raise_priority=True, reassign_team=escalation_team)
    policy.notify_users.add(boss)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    row = clocks(ticket)["first_response"]
    assert row.warn_at == at(2026, 6, 1, 10, 45)

    # before the warning time: nothing
    assert sla.sla_check(now=at(2026, 6, 1, 10, 40)) == {"warned": 0, "breached": 0}
    # warning window: once
    assert sla.sla_check(now=at(2026, 6, 1, 10, 50)) == {"warned": 1, "breached": 0}
    assert sla.sla_check(now=at(2026, 6, 1, 10, 55)) == {"warned": 0, "breached": 0}
    assert len(events("ticket.sla_warning")) == 1
    # at the due time: breach and escalation, once
    assert sla.sla_check(now=at(2026, 6, 1, 11, 1)) == {"warned": 0, "breached": 1}
    assert sla.sla_check(now=at(2026, 6, 1, 11, 2)) == {"warned": 0, "breached": 0}

    breached = events("ticket.sla_breached")
    assert len(breached) == 1
    payload = breached[0].payload
    assert payload["metric"] == "first_response" and payload["escalated"] is True
    assert payload["ticket_id"] == ticket.pk and payload["number"] == ticket.number
    assert payload["actions"] == {"priority": "high", "team_id": escalation_team.pk}
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.team_id == escalation_team.pk
    assert ticket.sla_first_response_breached is True
    assert set(
        TicketChange.objects.filter(ticket=ticket, actor_label="system").values_list("field", flat=True)
    ) >= {
        "priority",
        "team",
    }
    row.refresh_from_db()
    assert row.breached_at == at(2026, 6, 1, 11) and row.escalated_at == at(2026, 6, 1, 11, 1)

    # the worker delivers the emails: the warning and the breach, to the supervisor, once each
    settle(drain_outbox, at(2026, 6, 1, 11, 2))
    smtp_server.wait_for(3)  # the customer's acknowledgement, then our two
    mails = smtp_server.to("sofia@example.com")
    assert len(mails) == 2
    subjects = sorted(m["Subject"] for m in mails)
    assert any(f"#{ticket.number}" in s and "SLA" in s for s in subjects)
    breach_mail = next(m for m in mails if "SLA" in m["Subject"])
    body = breach_mail.get_content()
    assert "Sofía" in body and "11:00" in body and "priority=high" in body
    assert breach_mail["Auto-Submitted"] == "auto-generated"
    # re-running the receivers (a retried event) sends nothing more
    from postventa.helpdesk.sla import notify

    assert notify.send_once(payload, kind="breach") == 0
    # the escalation's ticket.updated re-applied the SLA (now the "high" targets): breach stays
    assert clocks(ticket)["first_response"].breached_at == at(2026, 6, 1, 11)


def test_paused_clock_never_breaches(make_policy, office_calendar, inbound, agent, drain_outbox):
    make_policy(calendar=office_calendar, first_response_minutes=None)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    helpdesk.ticket_update(
        ticket=ticket, acting_user=agent, changes={"status": "on_hold"}, now=at(2026, 6, 1, 10, 5)
    )
    settle(drain_outbox, at(2026, 6, 1, 10, 6))
    assert clocks(ticket)["resolution"].paused_since == at(2026, 6, 1, 10, 5)
    assert sla.sla_check(now=at(2026, 6, 30, 10)) == {"warned": 0, "breached": 0}
    # back to open a day later: one business day paused (10:05 Mon -> 10:05 Tue = 8 h open time)
    helpdesk.ticket_update(
        ticket=ticket, acting_user=agent, changes={"status": "open"}, now=at(2026, 6, 2, 10, 5)
    )
    settle(drain_outbox, at(2026, 6, 2, 10, 6))
    row = clocks(ticket)["resolution"]
    assert row.paused_since is None
    assert row.paused_seconds == 8 * 3600
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == at(2026, 6, 3, 10, 0)  # Mon 10:00 + 8 h + 8 h paused


def test_next_response_cycle_restarts_and_keeps_its_misses(make_policy, inbound, agent, drain_outbox):
    make_policy(first_response_minutes=60, next_response_minutes=30, resolution_minutes=None)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10), external_id="<1@x>", thread_keys=["<1@x>"])
    helpdesk.reply(ticket=ticket, acting_user=agent, body="Hola", now=at(2026, 6, 1, 10, 10))
    inbound("Sigue igual", now=at(2026, 6, 1, 11), external_id="<2@x>", thread_keys=["<1@x>"])
    settle(drain_outbox, at(2026, 6, 1, 11, 1))
    ticket.refresh_from_db()
    assert ticket.next_response_due_at == at(2026, 6, 1, 11, 30)
    assert sla.sla_check(now=at(2026, 6, 1, 11, 31))["breached"] == 1
    helpdesk.reply(ticket=ticket, acting_user=agent, body="Lo miro", now=at(2026, 6, 1, 11, 40))
    inbound("¿Y bien?", now=at(2026, 6, 1, 12), external_id="<3@x>", thread_keys=["<1@x>"])
    settle(drain_outbox, at(2026, 6, 1, 12, 1))
    row = clocks(ticket)["next_response"]
    assert row.cycle == 2 and row.breach_count == 1 and row.breached_at is None
    assert row.due_at == at(2026, 6, 1, 12, 30)
    ticket.refresh_from_db()
    assert ticket.next_response_due_at == at(2026, 6, 1, 12, 30)
    assert Ticket.objects.filter(pk=ticket.pk, sla_first_response_breached=False).exists()


def test_policy_change_reapplies_to_open_tickets_and_outcomes_are_kept(
    make_policy, inbound, agent, drain_outbox
):
    from postventa.helpdesk.sla import selectors

    policy = make_policy(first_response_minutes=60, resolution_minutes=None)
    open_ticket, _m, _c = inbound(now=at(2026, 6, 1, 10), external_id="<o@x>")
    done_ticket, _m, _c = inbound("Otra", now=at(2026, 6, 1, 10), external_id="<d@x>", subject="Otra")
    helpdesk.reply(
        ticket=done_ticket, acting_user=agent, body="Hecho", status="solved", now=at(2026, 6, 1, 10, 30)
    )
    settle(drain_outbox, at(2026, 6, 1, 10, 31))
    policy.first_response_minutes = 30
    policy.save()
    assert sla.sla_reapply_unsolved(now=at(2026, 6, 1, 10, 32)) == 1
    open_ticket.refresh_from_db()
    assert open_ticket.first_response_due_at == at(2026, 6, 1, 10, 30)
    outcome = selectors.outcomes([open_ticket.pk, done_ticket.pk])
    assert outcome[done_ticket.pk]["first_response"]["achieved_at"] == at(2026, 6, 1, 10, 30)
    assert outcome[done_ticket.pk]["first_response"]["breached_at"] is None
    assert outcome[open_ticket.pk]["first_response"]["achieved_at"] is None
    stats = {r["metric"]: r for r in selectors.achievement(since=at(2026, 6, 1), until=at(2026, 6, 2))}
    assert stats["first_response"]["total"] == 2 and stats["first_response"]["achieved_in_time"] == 1


def test_breach_email_speaks_the_supervisors_language(
    make_policy, inbound, make_user, drain_outbox, smtp_server
):
    jefe = make_user("jefe", role="supervisor", email="jefe@example.com", language="es", first_name="Jesús")
    make_policy(first_response_minutes=30).notify_users.add(jefe)
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    assert sla.sla_check(now=at(2026, 6, 1, 10, 31))["breached"] == 1
    settle(drain_outbox, at(2026, 6, 1, 10, 32))
    smtp_server.wait_for(2)  # the customer's acknowledgement and the breach
    mails = [m for m in smtp_server.to("jefe@example.com") if "incumplido" in m["Subject"]]
    assert len(mails) == 1
    assert mails[0]["Subject"] == f"SLA incumplido en el ticket #{ticket.number}: Primera respuesta"
    body = mails[0].get_content()
    assert "Hola, Jesús:" in body and "ha incumplido su objetivo de primera respuesta" in body


def test_escalation_survives_an_invalid_reassignment(make_policy, inbound, make_user, drain_outbox):
    gone = make_user("ex.agente", role="agent")
    make_policy(first_response_minutes=30, raise_priority=True, reassign_user=gone)
    gone.is_active = False
    gone.save()
    ticket, _m, _c = inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    assert sla.sla_check(now=at(2026, 6, 1, 10, 31))["breached"] == 1
    ticket.refresh_from_db()
    assert ticket.priority == "high" and ticket.assignee_id is None
    assert events("ticket.sla_breached")[0].payload["actions"] == {"priority": "high"}
    assert sla.sla_check(now=at(2026, 6, 1, 10, 32))["breached"] == 0


def test_the_minute_task_runs_the_check(make_policy, inbound, drain_outbox):
    from postventa.helpdesk.sla import tasks

    make_policy(first_response_minutes=30)
    inbound(now=at(2026, 6, 1, 10))
    settle(drain_outbox, at(2026, 6, 1, 10, 1))
    with time_machine.travel(at(2026, 6, 1, 10, 40), tick=False):
        assert tasks.sla_check_periodically.call_local() == {"warned": 0, "breached": 1}
    assert len(events("ticket.sla_breached")) == 1


def test_inbox_filters_for_overdue_and_due_soon(make_policy, inbound, agent, drain_outbox):
    from postventa.helpdesk.sla.selectors import due_soon_q, overdue_q

    make_policy(first_response_minutes=60, resolution_minutes=600)
    late, _m, _c = inbound(now=at(2026, 6, 1, 9), external_id="<l@x>")
    soon, _m, _c = inbound("b", now=at(2026, 6, 1, 9, 50), external_id="<s@x>", subject="b")
    calm, _m, _c = inbound("c", now=at(2026, 6, 1, 10, 20), external_id="<c@x>", subject="c")
    waiting, _m, _c = inbound("d", now=at(2026, 6, 1, 8), external_id="<w@x>", subject="d")
    helpdesk.ticket_update(
        ticket=waiting, acting_user=agent, changes={"status": "pending"}, now=at(2026, 6, 1, 8, 5)
    )
    settle(drain_outbox, at(2026, 6, 1, 10, 21))
    now = at(2026, 6, 1, 10, 30)
    assert set(Ticket.objects.filter(overdue_q(now)).values_list("pk", flat=True)) == {late.pk}
    half_hour = dt.timedelta(minutes=30)
    assert set(Ticket.objects.filter(due_soon_q(now, half_hour)).values_list("pk", flat=True)) == {soon.pk}
    assert set(Ticket.objects.filter(due_soon_q(now)).values_list("pk", flat=True)) == {soon.pk, calm.pk}
