"""Triggers (event-condition-action) and time-based automations, with loop safety."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postventa.helpdesk.automation import engine, services
from postventa.helpdesk.automation.models import Automation, AutomationRun, Trigger, TriggerRun
from postventa.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db


def test_seeded_defaults_exist_once():
    assert Trigger.objects.filter(seed_key="urgent-keyword", active=True).count() == 1
    assert set(Automation.objects.filter(active=True).values_list("seed_key", flat=True)) == {
        "close-solved-7d",
        "remind-pending-3d",
    }


def test_urgente_raises_priority(inbound, drain_outbox):
    ticket = inbound(body="Es URGENTE, el frigorífico pierde agua")
    calm = inbound(body="Cuando podáis, gracias", subject="Otra cosa", external_id="calm")
    drain_outbox()
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    assert Ticket.objects.get(pk=calm.pk).priority == "normal"
    run = TriggerRun.objects.get(ticket=ticket)
    assert run.changes == {"priority": ["normal", "high"]}


def test_urgente_in_a_later_customer_message(inbound, drain_outbox):
    ticket = inbound(external_id="m1", thread_keys=["t-1"])
    drain_outbox()
    inbound(body="¿Hay novedades? Es urgente", external_id="m2", thread_keys=["t-1"])
    drain_outbox()
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_trigger_on_created_with_conditions_and_tags(
    supervisor, make_team, inbound, customer_en, drain_outbox, no_default_rules
):
    team = make_team("VIP desk")
    services.trigger_save(
        acting_user=supervisor, name="VIP", event="ticket.created",
        conditions={"customer_tags": ["vip"], "channels": ["email"]},
        actions={"team_id": team.pk, "add_tags": ["vip"], "priority": "urgent"},
    )  # fmt: skip
    vip = inbound()
    other = inbound(customer=customer_en, body="Hi")
    drain_outbox()
    vip = Ticket.objects.get(pk=vip.pk)
    assert (vip.team_id, vip.priority) == (team.pk, "urgent")
    assert list(vip.tags.values_list("name", flat=True)) == ["vip"]
    assert Ticket.objects.get(pk=other.pk).priority == "normal"


def test_a_trigger_does_not_fire_itself_in_a_loop(supervisor, inbound, drain_outbox, no_default_rules):
    # Fires on every update and changes the ticket each time: without the origin mark this would
    # run until the cap; with it, exactly once per outside change.
    trigger = services.trigger_save(
        acting_user=supervisor, name="ping-pong", event="ticket.updated", conditions={},
        actions={"add_tags": ["touched"]},
    )  # fmt: skip
    from postventa.helpdesk.services import ticket_update

    ticket = inbound()
    drain_outbox()
    ticket_update(ticket=ticket, acting_user=supervisor, changes={"priority": "low"})
    drain_outbox()
    drain_outbox()
    assert TriggerRun.objects.filter(trigger=trigger).count() == 1
    assert list(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["touched"]


def test_runs_are_capped_per_ticket(supervisor, inbound, drain_outbox, no_default_rules, monkeypatch):
    monkeypatch.setattr(engine, "MAX_RUNS_PER_TICKET_HOUR", 3)
    services.trigger_save(
        acting_user=supervisor,
        name="count",
        event="ticket.updated",
        conditions={},
        actions={"add_tags": ["x"]},
    )
    from postventa.helpdesk.services import ticket_update

    ticket = inbound()
    for priority in ("low", "high", "urgent", "normal", "low"):
        ticket_update(ticket=ticket, acting_user=supervisor, changes={"priority": priority})
    drain_outbox()
    assert TriggerRun.objects.filter(ticket=ticket).count() == 3


def test_trigger_emails_the_customer_with_a_macro(
    supervisor, inbound, drain_outbox, smtp_server, no_default_rules
):
    macro = services.macro_save(
        acting_user=supervisor,
        name="Recibido",
        body_es="Hola {{ customer.first_name }}, revisamos el caso {{ ticket.number }}.",
    )
    services.trigger_save(
        acting_user=supervisor, name="garantía", event="ticket.message_added",
        conditions={"keywords": ["garantía"]}, actions={"email_macro_id": macro.pk},
    )  # fmt: skip
    ticket = inbound(body="Está en garantia?", acknowledge=False)
    drain_outbox()
    drain_outbox()
    mails = smtp_server.wait_for(1)
    assert len(smtp_server.to("lucia@example.com")) == 1
    assert f"Hola Lucía, revisamos el caso {ticket.number}." in mails[0].get_body(("plain",)).get_content()
    assert f"[#{ticket.number}]" in mails[0]["Subject"]


def test_trigger_validation(supervisor, agent):
    from postventa.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(ValidationFailed):
        services.trigger_save(
            acting_user=supervisor,
            name="x",
            event="ticket.deleted",
            conditions={},
            actions={"priority": "high"},
        )
    with pytest.raises(ValidationFailed):
        services.trigger_save(
            acting_user=supervisor,
            name="x",
            event="ticket.created",
            conditions={"nationality": ["x"]},
            actions={"priority": "high"},
        )
    with pytest.raises(ValidationFailed):
        services.trigger_save(
            acting_user=supervisor, name="x", event="ticket.created", conditions={}, actions={}
        )
    with pytest.raises(PermissionDenied):
        services.trigger_save(
            acting_user=agent, name="x", event="ticket.created", conditions={}, actions={"priority": "high"}
        )


def test_close_solved_after_seven_days(inbound, agent, drain_outbox):
    from postventa.helpdesk.services import ticket_update

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = inbound()
        ticket_update(ticket=ticket, acting_user=agent, changes={"status": "solved"})
    with time_machine.travel(start + dt.timedelta(days=6, hours=23), tick=False):
        engine.run_automations()
        assert Ticket.objects.get(pk=ticket.pk).status == "solved"
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        assert engine.run_automations() == 1
        closed = Ticket.objects.get(pk=ticket.pk)
        assert closed.status == "closed" and closed.closed_at is not None
        assert closed.changes.filter(field="status", new_value="closed", actor__isnull=True).exists()
        assert engine.run_automations() == 0


def test_reminder_once_when_pending_three_days(inbound, agent, drain_outbox, smtp_server):
    from postventa.helpdesk.services import reply

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = inbound(acknowledge=False)
        reply(ticket=ticket, acting_user=agent, body="¿Nos mandas una foto?")
        drain_outbox()
    sent_before = len(smtp_server.wait_for(1))
    with time_machine.travel(start + dt.timedelta(days=3, minutes=5), tick=False):
        assert engine.run_automations() == 1
        assert engine.run_automations() == 0
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):
        assert engine.run_automations() == 0
    mails = smtp_server.wait_for(sent_before + 1)
    reminders = [m for m in mails if "foto" not in m.get_body(("plain",)).get_content()]
    assert len(reminders) == 1
    assert f"{ticket.number}" in reminders[0].get_body(("plain",)).get_content()
    assert AutomationRun.objects.filter(ticket=ticket).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_automation_validation(supervisor):
    from postventa.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.automation_save(
            acting_user=supervisor,
            name="x",
            conditions={"status": "solved", "hours": 0},
            actions={"status": "closed"},
        )
    with pytest.raises(ValidationFailed):
        services.automation_save(
            acting_user=supervisor,
            name="x",
            conditions={"status": "solved", "hours": 5},
            actions={"status": "solved"},
        )
    with pytest.raises(ValidationFailed):
        services.automation_save(
            acting_user=supervisor,
            name="x",
            conditions={"status": "solved", "hours": 5, "age": 3},
            actions={"status": "closed"},
        )
    ok = services.automation_save(
        acting_user=supervisor,
        name="hold",
        conditions={"status": "on_hold", "hours": 48},
        actions={"priority": "high"},
    )
    assert ok.conditions == {"status": "on_hold", "hours": 48, "no_customer_reply": False}


def test_seeding_again_changes_nothing():
    import importlib

    from django.apps import apps

    seed = importlib.import_module("postventa.helpdesk.automation.migrations.0002_default_rules").seed
    before = (Trigger.objects.count(), Automation.objects.count())
    seed(apps, None)
    seed(apps, None)
    assert (Trigger.objects.count(), Automation.objects.count()) == before == (1, 2)


def test_periodic_task_runs_the_automations(inbound, agent):
    from postventa.helpdesk.automation import tasks
    from postventa.helpdesk.services import ticket_update

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = ticket_update(
            ticket=inbound(acknowledge=False), acting_user=agent, changes={"status": "solved"}
        )
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        assert tasks.run_automations.call_local() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_a_stale_trigger_does_not_block_the_others(
    supervisor, make_team, make_user, inbound, drain_outbox, no_default_rules
):
    leaver = make_user("leaver", role="agent")
    services.trigger_save(
        acting_user=supervisor,
        name="to leaver",
        event="ticket.created",
        conditions={},
        actions={"assignee_id": leaver.pk},
        position=1,
    )
    services.trigger_save(
        acting_user=supervisor,
        name="tag",
        event="ticket.created",
        conditions={},
        actions={"add_tags": ["nuevo"]},
        position=2,
    )
    leaver.role = "analyst"  # can no longer be assigned tickets
    leaver.save()
    ticket = inbound()
    drain_outbox()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.assignee_id is None
    assert list(ticket.tags.values_list("name", flat=True)) == ["nuevo"]
    assert not TriggerRun.objects.filter(trigger__name="to leaver").exists()
