"""The automation API: macros CRUD and apply, rules and triggers, permissions and clear 4xx."""

from __future__ import annotations

import pytest

from postventa.helpdesk.automation.models import Macro, RoutingRule, Trigger
from postventa.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db

BASE = "/api/v1/automation"


def _json(client, method, path, data=None):
    return getattr(client, method)(path, data or {}, content_type="application/json")


def test_macro_crud_and_apply(api, inbound):
    res = api.post(f"{BASE}/macros", {
        "name": "Foto", "body_es": "Hola {{ customer.first_name }}, ¿nos mandas una foto? ({{ ticket.number }})",
        "body_en": "Hi {{ customer.first_name }}", "actions": {"status": "pending", "add_tags": ["foto"]},
    })  # fmt: skip
    assert res.status_code == 201, res.json()
    macro_id = res.json()["id"]
    listed = api.get(f"{BASE}/macros").json()
    assert [m["id"] for m in listed["items"]] == [macro_id] and listed["next_cursor"] is None

    ticket = inbound()
    res = api.post(f"{BASE}/macros/{macro_id}/apply/{ticket.pk}")
    assert res.status_code == 200
    body = res.json()
    assert body["body"] == f"Hola Lucía, ¿nos mandas una foto? ({ticket.number})"
    assert body["changes"] == {"status": ["new", "pending"], "tags": [[], ["foto"]]}
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"

    res = api.put(f"{BASE}/macros/{macro_id}", {"name": "Foto 2", "body_es": "Hola"})
    assert res.status_code == 200 and res.json()["name"] == "Foto 2" and res.json()["actions"] == {}
    assert api.delete(f"{BASE}/macros/{macro_id}").status_code == 204
    assert not Macro.objects.exists()


def test_template_errors_are_clear_4xx(api):
    res = api.post(f"{BASE}/macros", {"name": "Bad", "body_es": "{{ customer.__class__ }}"})
    assert res.status_code == 422
    assert res.json()["code"] == "bad_template"
    res = api.post(f"{BASE}/macros", {"name": "Bad", "body_es": "Hola {{ customer.password }}"})
    assert res.status_code == 422 and res.json()["code"] == "bad_placeholder"
    assert "customer.first_name" in res.json()["detail"]
    res = api.post(f"{BASE}/macros", {"name": "Bad", "body_es": "{% for x in y %}"})
    assert res.status_code == 422


def test_apply_unknown_macro_or_ticket_is_404(api, inbound):
    ticket = inbound()
    assert api.post(f"{BASE}/macros/999/apply/{ticket.pk}").status_code == 404
    macro = Macro.objects.create(name="m", body_es="Hola")
    assert api.post(f"{BASE}/macros/{macro.pk}/apply/999999").status_code == 404


def test_permissions(client, agent, analyst, make_user, inbound, make_team):
    team = make_team("Closed team")
    ticket = inbound()
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    shared = Macro.objects.create(name="Shared", body_es="Hola")

    client.force_login(analyst)
    assert client.get(f"{BASE}/macros").status_code == 200
    assert _json(client, "post", f"{BASE}/macros/{shared.pk}/apply/{ticket.pk}").status_code == 403
    assert (
        _json(client, "post", f"{BASE}/macros", {"name": "x", "body_es": "y", "shared": False}).status_code
        == 403
    )

    client.force_login(agent)
    # Agents cannot create shared macros, nor see tickets of teams they are not in.
    assert _json(client, "post", f"{BASE}/macros", {"name": "x", "body_es": "y"}).status_code == 403
    assert _json(client, "post", f"{BASE}/macros/{shared.pk}/apply/{ticket.pk}").status_code == 404
    assert (
        _json(client, "post", f"{BASE}/routing-rules", {"name": "r", "team_id": team.pk}).status_code == 403
    )
    assert client.get(f"{BASE}/triggers").status_code == 403
    mine = _json(client, "post", f"{BASE}/macros", {"name": "Mine", "body_es": "Hola", "shared": False})
    assert mine.status_code == 201 and mine.json()["owner_id"] == agent.pk

    client.force_login(make_user("otto", role="agent"))
    assert client.get(f"{BASE}/macros/{mine.json()['id']}").status_code == 404
    assert [m["name"] for m in client.get(f"{BASE}/macros").json()["items"]] == ["Shared"]


def test_token_scopes(client, admin_user, inbound):
    from postventa.accounts.tokens import token_create

    _token, secret = token_create(
        acting_user=admin_user, owner=admin_user, name="ro", scopes=["tickets:read"]
    )
    headers = {"Authorization": f"Bearer {secret}"}
    macro = Macro.objects.create(name="m", body_es="Hola")
    assert client.get(f"{BASE}/macros", headers=headers).status_code == 200
    res = client.post(
        f"{BASE}/macros/{macro.pk}/apply/{inbound().pk}", {}, content_type="application/json", headers=headers
    )
    assert res.status_code == 403


def test_rules_and_triggers(api, make_team):
    team = make_team("Returns")
    res = api.post(
        f"{BASE}/routing-rules",
        {"name": "Returns", "team_id": team.pk, "conditions": {"keywords": ["devolución"]}},
    )
    assert res.status_code == 201 and res.json()["conditions"] == {"keywords": ["devolución"]}
    res = api.post(
        f"{BASE}/routing-rules", {"name": "Bad", "team_id": team.pk, "conditions": {"gender": ["f"]}}
    )
    assert res.status_code == 422 and res.json()["code"] == "unknown_condition"
    assert RoutingRule.objects.count() == 1
    assert [r["name"] for r in api.get(f"{BASE}/routing-rules").json()] == ["Returns"]

    res = api.post(
        f"{BASE}/triggers", {"name": "VIP", "event": "ticket.created", "actions": {"priority": "high"}}
    )
    assert res.status_code == 201
    assert api.delete(f"{BASE}/triggers/{res.json()['id']}").status_code == 204
    assert api.delete(f"{BASE}/triggers/999999").status_code == 404
    assert not Trigger.objects.filter(name="VIP").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"name": ""},
        {"name": "x", "actions": {"status": 5}},
        {"name": "x", "actions": {"team_id": -1}},
        {"body_es": "y"},
        {"name": "x" * 500},
    ],
)
def test_bad_macro_input_never_500(api, payload):
    res = api.post(f"{BASE}/macros", payload)
    assert 400 <= res.status_code < 500, res.content


def test_updates_assignment_and_automations(api, make_team, client, agent):
    team = make_team("Returns")
    rule = api.post(f"{BASE}/routing-rules", {"name": "R", "team_id": team.pk}).json()
    res = api.put(
        f"{BASE}/routing-rules/{rule['id']}",
        {"name": "R2", "team_id": team.pk, "conditions": {"languages": ["en"]}},
    )
    assert res.status_code == 200 and res.json()["conditions"] == {"languages": ["en"]}
    assert api.put(f"{BASE}/routing-rules/999999", {"name": "x", "team_id": team.pk}).status_code == 404

    res = api.put(f"{BASE}/teams/{team.pk}/assignment", {"mode": "least_loaded"})
    assert res.status_code == 200 and res.json() == {"team_id": team.pk, "mode": "least_loaded"}
    assert api.put(f"{BASE}/teams/{team.pk}/assignment", {"mode": "lottery"}).status_code == 422

    res = api.post(
        f"{BASE}/automations",
        {"name": "Hold", "conditions": {"status": "on_hold", "hours": 24}, "actions": {"remind": True}},
    )
    assert res.status_code == 201
    auto_id = res.json()["id"]
    res = api.put(
        f"{BASE}/automations/{auto_id}",
        {"name": "Hold", "conditions": {"status": "on_hold", "hours": 48}, "actions": {"priority": "high"}},
    )
    assert res.status_code == 200 and res.json()["conditions"]["hours"] == 48
    assert "Hold" in [a["name"] for a in api.get(f"{BASE}/automations").json()]
    assert api.delete(f"{BASE}/automations/{auto_id}").status_code == 204

    client.force_login(agent)
    assert client.get(f"{BASE}/automations").status_code == 403
    assert (
        client.put(
            f"{BASE}/teams/{team.pk}/assignment", {"mode": "manual"}, content_type="application/json"
        ).status_code
        == 403
    )
