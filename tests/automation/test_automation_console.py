"""Console pages: Settings > Routing, Macros, Triggers, Automations, and the macro picker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postventa.helpdesk.automation import services
from postventa.helpdesk.automation.models import Automation, Macro, RoutingRule, TeamAssignmentConfig, Trigger
from postventa.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def many_rows(supervisor, make_team):
    teams = [make_team(f"Team {i}") for i in range(5)]
    for i in range(10):
        services.routing_rule_save(
            acting_user=supervisor, name=f"r{i}", team_id=teams[i % 5].pk, conditions={"channels": ["email"]}
        )
        services.macro_save(
            acting_user=supervisor,
            name=f"m{i}",
            body_es="Hola {{ customer.first_name }}",
            actions={"add_tags": ["a"]},
        )
        services.trigger_save(
            acting_user=supervisor,
            name=f"t{i}",
            event="ticket.created",
            conditions={},
            actions={"priority": "high"},
        )
        services.automation_save(
            acting_user=supervisor,
            name=f"a{i}",
            conditions={"status": "pending", "hours": 5},
            actions={"remind": True},
        )
    return teams


@pytest.mark.parametrize(
    "name", ["automation_routing", "automation_macros", "automation_triggers", "automation_automations"]
)
def test_pages_render_with_bounded_queries(sup_client, many_rows, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        res = sup_client.get(reverse(f"console:{name}"))
    assert res.status_code == 200
    assert b"r9" in res.content or b"m9" in res.content or b"t9" in res.content or b"a9" in res.content


def test_edit_pages_render(sup_client, many_rows):
    for name, model in (("automation_routing_edit", RoutingRule), ("automation_macro_edit", Macro),
                        ("automation_trigger_edit", Trigger), ("automation_automation_edit", Automation)):  # fmt: skip
        row = model.objects.order_by("-id").first()
        res = sup_client.get(reverse(f"console:{name}", args=[row.pk]))
        assert res.status_code == 200, name
        assert row.name.encode() in res.content


def test_create_rule_and_set_mode_from_the_console(sup_client, make_team):
    team = make_team("Returns")
    res = sup_client.post(reverse("console:automation_routing"), {
        "name": "Devoluciones", "team_id": team.pk, "keywords": "devolución, reembolso", "channels": ["email", "web_form"],
        "position": "5", "active": "1",
    })  # fmt: skip
    assert res.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.conditions == {"channels": ["email", "web_form"], "keywords": ["devolución", "reembolso"]}
    res = sup_client.post(
        reverse("console:automation_assignment_mode", args=[team.pk]), {"mode": "round_robin"}
    )
    assert res.status_code == 302 and TeamAssignmentConfig.objects.get(team=team).mode == "round_robin"
    res = sup_client.post(reverse("console:automation_routing"), {"name": "", "team_id": team.pk})
    assert res.status_code == 400 and RoutingRule.objects.count() == 1


def test_macro_form_errors_and_create(sup_client):
    res = sup_client.post(
        reverse("console:automation_macros"), {"name": "Bad", "body_es": "{{ customer.__class__ }}"}
    )
    assert res.status_code == 400 and not Macro.objects.exists()
    res = sup_client.post(reverse("console:automation_macros"), {
        "name": "Foto", "body_es": "Hola {{ customer.first_name }}", "action_status": "pending",
        "action_add_tags": "foto, espera", "shared": "1", "active": "1",
    })  # fmt: skip
    assert res.status_code == 302
    macro = Macro.objects.get()
    assert macro.shared and macro.actions == {"status": "pending", "add_tags": ["foto", "espera"]}


def test_trigger_and_automation_forms(sup_client):
    res = sup_client.post(reverse("console:automation_triggers"), {
        "name": "Urgent chat", "event": "ticket.created", "channels": ["web_chat"], "action_priority": "urgent", "active": "1",
    })  # fmt: skip
    assert res.status_code == 302
    assert Trigger.objects.get(name="Urgent chat").actions == {"priority": "urgent"}
    res = sup_client.post(reverse("console:automation_automations"), {
        "name": "Hold 2d", "status": "on_hold", "hours": "48", "remind": "1", "active": "1",
    })  # fmt: skip
    assert res.status_code == 302
    assert Automation.objects.get(name="Hold 2d").actions == {"remind": True}


def test_agents_see_macros_but_not_rule_settings(console_client, agent):
    assert console_client.get(reverse("console:automation_macros")).status_code == 200
    for name in ("automation_routing", "automation_triggers", "automation_automations"):
        assert console_client.get(reverse(f"console:{name}")).status_code == 403
    res = console_client.post(
        reverse("console:automation_macros"),
        {"name": "Mine", "body_es": "Hola", "shared": "1", "active": "1"},
    )
    assert res.status_code == 302
    assert Macro.objects.get().owner_id == agent.pk and not Macro.objects.get().shared


def test_macro_picker_fills_the_composer(console_client, supervisor, inbound):
    macro = services.macro_save(
        acting_user=supervisor,
        name="Saludo",
        body_es="Hola {{ customer.first_name }}",
        actions={"priority": "high"},
    )
    ticket = inbound()
    url = reverse("console:automation_macro_picker", args=[ticket.pk])
    res = console_client.get(url, headers={"HX-Request": "true"})
    assert res.status_code == 200 and b"Saludo" in res.content and b'name="macro_id"' in res.content
    res = console_client.post(url, {"macro_id": macro.pk}, headers={"HX-Request": "true"})
    assert res.status_code == 200
    assert res.content.decode() == "Hola Lucía"
    assert "macroApplied" in res["HX-Trigger"]
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    assert console_client.post(url, {"macro_id": "abc"}).status_code == 422
    assert console_client.post(url, {"macro_id": "99999"}).status_code == 422


def test_macro_picker_include_renders_a_lazy_loader(rf, agent, inbound):
    from django.template.loader import render_to_string

    ticket = inbound()
    html = render_to_string("console/automation/_macro_picker.html", {"ticket": ticket})
    assert (
        reverse("console:automation_macro_picker", args=[ticket.pk]) in html and 'hx-trigger="load"' in html
    )


def test_picker_hides_tickets_of_other_teams(console_client, inbound, make_team):
    ticket = inbound()
    Ticket.objects.filter(pk=ticket.pk).update(team=make_team("Elsewhere"))
    assert console_client.get(reverse("console:automation_macro_picker", args=[ticket.pk])).status_code == 404
