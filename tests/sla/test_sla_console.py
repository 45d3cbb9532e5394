"""Settings > SLA policies through the real console (HTTP), and the {% sla_badge %} tag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from postventa.core.models import AuditEntry
from postventa.helpdesk.models import Ticket
from postventa.helpdesk.sla.models import SlaPolicy


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_policy_list_renders_in_order_with_bounded_queries(
    sup_client, make_policy, office_calendar, django_assert_max_num_queries
):
    for n in range(12):
        make_policy(f"Policy {n:02}", position=20 - n, calendar=office_calendar if n % 2 else None,
                    conditions={"priorities": ["urgent"], "customer_tags": ["vip"]})  # fmt: skip
    with django_assert_max_num_queries(12):
        response = sup_client.get(reverse("console:settings_sla_policies"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Policy 11") < html.index("Policy 00")  # position 9 before position 20
    assert "Oficina Madrid" in html and "#vip" in html
    assert "Calendario predeterminado" in html or "Default calendar" in html  # no calendar: the default


def test_create_policy_with_conditions_targets_and_escalation(
    sup_client, office_calendar, supervisor, agent, make_user
):
    from postventa.accounts.models import Team

    team = Team.objects.create(name="Nivel 2")
    response = sup_client.get(reverse("console:settings_sla_policy_create"))
    assert response.status_code == 200
    response = sup_client.post(
        reverse("console:settings_sla_policy_create"),
        {
            "name": "Urgentes por chat",
            "position": "1",
            "is_active": "on",
            "priorities": ["urgent", "high"],
            "channels": ["web_chat"],
            "types": ["complaint"],
            "customer_tags": "VIP, b2b",
            "calendar_id": str(office_calendar.pk),
            "first_response_minutes": "30",
            "next_response_minutes": "60",
            "resolution_minutes": "480",
            "override_urgent_first_response": "10",
            "warn_before_minutes": "5",
            "notify_user_ids": [str(supervisor.pk)],
            "raise_priority": "on",
            "reassign_team_id": str(team.pk),
            "reassign_user_id": str(agent.pk),
        },
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="Urgentes por chat")
    assert response["Location"] == reverse("console:settings_sla_policy_edit", args=[policy.pk])
    assert policy.conditions == {
        "priorities": ["urgent", "high"],
        "channels": ["web_chat"],
        "types": ["complaint"],
        "customer_tags": ["b2b", "vip"],
    }
    assert policy.calendar_id == office_calendar.pk
    assert (policy.first_response_minutes, policy.next_response_minutes, policy.resolution_minutes) == (
        30,
        60,
        480,
    )
    assert policy.priority_overrides == {"urgent": {"first_response": 10}}
    assert list(policy.notify_users.all()) == [supervisor]
    assert (
        policy.raise_priority and policy.reassign_team_id == team.pk and policy.reassign_user_id == agent.pk
    )
    assert AuditEntry.objects.filter(action="sla_policy.created").count() == 1
    # the edit page shows what was saved
    page = sup_client.get(response["Location"]).content.decode()
    assert 'value="Urgentes por chat"' in page
    assert 'name="override_urgent_first_response" value="10"' in page
    assert f'<option value="{office_calendar.pk}" selected>' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_response_minutes", "-5"),
        ("first_response_minutes", "abc"),
        ("priorities", "whenever"),
        ("calendar_id", "999999"),
        ("reassign_user_id", "999999"),
        ("name", ""),
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(sup_client, field, value):
    data = {"name": "Base", "first_response_minutes": "60", "warn_before_minutes": "10"}
    data[field] = value
    response = sup_client.post(reverse("console:settings_sla_policy_create"), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_a_policy_needs_at_least_one_target(sup_client):
    response = sup_client.post(reverse("console:settings_sla_policy_create"), {"name": "Vacía"})
    assert response.status_code == 400
    assert not SlaPolicy.objects.exists()


def test_agents_cannot_manage_policies_and_delete_works(client, agent, supervisor, make_policy):
    policy = make_policy()
    client.force_login(agent)
    assert client.get(reverse("console:settings_sla_policies")).status_code == 403
    assert client.post(reverse("console:settings_sla_policy_delete", args=[policy.pk])).status_code == 403
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()
    sup_client = client
    sup_client.force_login(supervisor)
    response = sup_client.post(reverse("console:settings_sla_policy_delete", args=[policy.pk]))
    assert response.status_code == 302
    assert not SlaPolicy.objects.filter(pk=policy.pk).exists()
    assert sup_client.get(reverse("console:settings_sla_policy_edit", args=[policy.pk])).status_code == 404


def render_badge(ticket, now) -> str:
    with translation.override("en"):
        return (
            Template("{% load sla %}{% sla_badge ticket now %}")
            .render(Context({"ticket": ticket, "now": now}))
            .strip()
        )


def test_badge_states_from_ticket_columns(db, django_assert_num_queries):
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    ticket = Ticket(
        status="open", sla_policy_id=1, first_response_due_at=now + dt.timedelta(hours=2, minutes=10),
        resolution_due_at=now + dt.timedelta(days=2),
    )  # fmt: skip
    with django_assert_num_queries(0):
        html = render_badge(ticket, now)
    assert 'data-sla="due"' in html and "due in 2h 10m" in html and "badge info" in html
    ticket.first_response_due_at = now + dt.timedelta(minutes=20)
    assert "badge warn" in render_badge(ticket, now) and "due in 20m" in render_badge(ticket, now)
    ticket.first_response_due_at = now - dt.timedelta(minutes=1)
    assert 'data-sla="breached"' in render_badge(ticket, now) and "badge danger" in render_badge(ticket, now)
    # answered late: the miss stays on record, the badge points at the resolution clock
    ticket.first_response_at, ticket.sla_first_response_breached = now, True
    assert 'data-sla="due"' in render_badge(ticket, now) and "due in 2d 0h" in render_badge(ticket, now)
    ticket.first_response_at = None
    ticket.status = "pending"
    assert 'data-sla="paused"' in render_badge(ticket, now) and ">paused<" in render_badge(ticket, now)
    ticket.status, ticket.sla_first_response_breached = "solved", True
    assert 'data-sla="missed"' in render_badge(ticket, now)
    ticket.sla_first_response_breached = False
    assert 'data-sla="met"' in render_badge(ticket, now)
    ticket.status = "open"
    ticket.first_response_due_at = now + dt.timedelta(hours=3, minutes=5)
    with translation.override("es"):
        spanish = Template("{% load sla %}{% sla_badge ticket now %}").render(
            Context({"ticket": ticket, "now": now})
        )
    assert "vence en 3 h 5 min" in spanish
    ticket.sla_policy_id = None
    assert render_badge(ticket, now) == ""


def test_ticket_panel_lists_the_clocks(db, make_policy, inbound):
    from postventa.helpdesk.sla.services import sla_apply

    make_policy("Estándar")
    now = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    ticket, _m, _c = inbound(now=now)
    sla_apply(ticket, now=now)
    ticket.refresh_from_db()
    with translation.override("en"):
        html = Template("{% load sla %}{% sla_panel ticket now %}").render(
            Context({"ticket": ticket, "now": now + dt.timedelta(minutes=10)})
        )
    assert "First response" in html and "Resolution" in html and "Estándar" in html
    assert "due in 50m" in html
