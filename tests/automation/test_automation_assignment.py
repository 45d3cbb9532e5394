"""Assignment per team: manual, round robin, least loaded, skills; availability and capacity."""

from __future__ import annotations

from collections import Counter

import pytest

from postventa.helpdesk.automation import services
from postventa.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(supervisor, make_team):
    team = make_team("Support")
    services.routing_rule_save(acting_user=supervisor, name="all", team_id=team.pk, conditions={})
    return team


def _new(inbound, drain_outbox, n: int = 1, **kwargs) -> list[Ticket]:
    made = []
    for i in range(n):
        made.append(inbound(body=f"Mensaje {i}", subject=f"Asunto {i}", **kwargs))
    drain_outbox()
    return list(Ticket.objects.filter(pk__in=[t.pk for t in made]).order_by("pk"))


def test_manual_leaves_the_ticket_for_claiming(supervisor, team, make_agent, inbound, drain_outbox):
    from postventa.helpdesk.services import ticket_claim

    agent = make_agent("ana", team)
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="manual")
    (ticket,) = _new(inbound, drain_outbox)
    assert ticket.team_id == team.pk and ticket.assignee_id is None
    ticket_claim(ticket=ticket, acting_user=agent)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk


def test_round_robin_is_fair_over_many_tickets(supervisor, team, make_agent, inbound, drain_outbox):
    agents = [make_agent(name, team) for name in ("ana", "bea", "carl")]
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="round_robin")
    tickets = _new(inbound, drain_outbox, n=30)
    counts = Counter(t.assignee_id for t in tickets)
    assert counts == {a.pk: 10 for a in agents}
    # Strict rotation, in id order.
    assert [t.assignee_id for t in tickets[:6]] == [a.pk for a in agents] * 2


def test_round_robin_skips_unavailable_and_full_agents(supervisor, team, make_agent, inbound, drain_outbox):
    ana = make_agent("ana", team)
    make_agent("bea", team, availability="away")
    carl = make_agent("carl", team, capacity=1)
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="round_robin")
    tickets = _new(inbound, drain_outbox, n=4)
    # carl takes one ticket (his capacity), then everything goes to ana.
    assert [t.assignee_id for t in tickets] == [ana.pk, carl.pk, ana.pk, ana.pk]


def test_least_loaded(supervisor, team, make_agent, inbound, drain_outbox, customer_es):
    from postventa.helpdesk.services import ticket_create

    busy = make_agent("busy", team)
    idle = make_agent("idle", team)
    for i in range(3):
        ticket_create(customer=customer_es, subject=f"old {i}", body="x", channel="console",
                      acting_user=supervisor, assignee_id=busy.pk, team_id=team.pk)  # fmt: skip
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="least_loaded")
    tickets = _new(inbound, drain_outbox, n=4)
    # idle gets tickets until both carry 3; then the tie goes to the lower id (busy).
    assert [t.assignee_id for t in tickets] == [idle.pk, idle.pk, idle.pk, busy.pk]


def test_capacity_full_team_leaves_ticket_unassigned(supervisor, team, make_agent, inbound, drain_outbox):
    make_agent("tiny", team, capacity=0)
    make_agent("off", team, availability="offline")
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="least_loaded")
    (ticket,) = _new(inbound, drain_outbox)
    assert ticket.team_id == team.pk and ticket.assignee_id is None


def test_skills_language_and_product_line(
    supervisor, team, make_agent, customer_es, customer_en, order_with, drain_outbox
):
    from postventa.helpdesk.services import ticket_create

    es_kitchen = make_agent("eskitchen", team, skills=[("language", "es"), ("product_line", "kitchen")])
    en_only = make_agent("english", team, skills=[("language", "en")])
    make_agent("es_only", team, skills=[("language", "es")])
    services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="skills")
    kitchen = ticket_create(customer=customer_es, subject="Batidora", body="No va", channel="web_form",
                            order_id=order_with(customer_es, "kitchen", "BLEND-1").pk)  # fmt: skip
    english = ticket_create(customer=customer_en, subject="Help", body="Hello", channel="web_form")
    nobody = ticket_create(customer=customer_en, subject="TV", body="Broken", channel="web_form",
                           order_id=order_with(customer_en, "tv", "TV-1").pk)  # fmt: skip
    drain_outbox()
    assert Ticket.objects.get(pk=kitchen.pk).assignee_id == es_kitchen.pk
    assert Ticket.objects.get(pk=english.pk).assignee_id == en_only.pk
    # Nobody speaks English AND knows TVs: it stays in the team queue.
    assert Ticket.objects.get(pk=nobody.pk).assignee_id is None


def test_bad_mode_refused(supervisor, team):
    from postventa.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.team_assignment_set(acting_user=supervisor, team_id=team.pk, mode="random")
