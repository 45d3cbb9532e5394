"""SLA endpoints through real HTTP with a real API token."""

from __future__ import annotations

import datetime as dt

from postventa.helpdesk.sla.models import SlaPolicy
from postventa.helpdesk.sla.services import sla_apply


def test_policy_crud_and_ticket_clocks(api, office_calendar, inbound, django_assert_max_num_queries):
    # create
    response = api.post(
        "/api/v1/sla/policies",
        {
            "name": "VIP",
            "position": 1,
            "conditions": {"priorities": ["high"], "customer_tags": ["VIP"]},
            "calendar_id": office_calendar.pk,
            "first_response_minutes": 30,
            "resolution_minutes": 240,
            "priority_overrides": {"urgent": {"first_response": 10}},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["conditions"] == {"priorities": ["high"], "customer_tags": ["vip"]}
    assert body["priority_overrides"] == {"urgent": {"first_response": 10}}
    policy_id = body["id"]
    # list (bounded queries) and read
    for n in range(5):
        SlaPolicy.objects.create(name=f"P{n}", first_response_minutes=60, position=10 + n)
    with django_assert_max_num_queries(8):
        page = api.get("/api/v1/sla/policies", page_size=3)
    assert page.status_code == 200
    assert len(page.json()["items"]) == 3 and page.json()["next_cursor"]
    assert api.get(f"/api/v1/sla/policies/{policy_id}").json()["name"] == "VIP"
    # update: a catch-all policy now
    response = api.put(f"/api/v1/sla/policies/{policy_id}", {"name": "VIP", "first_response_minutes": 45})
    assert response.status_code == 200 and response.json()["conditions"] == {}
    # a ticket's clocks
    ticket, _m, _c = inbound(now=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC))
    SlaPolicy.objects.exclude(pk=policy_id).delete()
    sla_apply(ticket, now=dt.datetime(2026, 6, 1, 8, 1, tzinfo=dt.UTC))
    data = api.get(f"/api/v1/sla/tickets/{ticket.pk}").json()
    assert data["policy_id"] == policy_id
    assert data["first_response_due_at"].startswith("2026-06-01T08:45")
    assert [c["metric"] for c in data["clocks"]] == ["first_response"]
    # delete
    assert api.delete(f"/api/v1/sla/policies/{policy_id}").status_code == 204
    assert api.get(f"/api/v1/sla/policies/{policy_id}").status_code == 404


def test_bad_input_is_4xx(api, db):
    cases = [
        ("post", "/api/v1/sla/policies", {"name": "x", "first_response_minutes": -1}),
        ("post", "/api/v1/sla/policies", {"name": "", "first_response_minutes": 10}),
        (
            "post",
            "/api/v1/sla/policies",
            {"name": "x", "first_response_minutes": 10, "notify_user_ids": [2**63]},
        ),
        (
            "post",
            "/api/v1/sla/policies",
            {"name": "x", "conditions": {"channels": ["fax"]}, "resolution_minutes": 5},
        ),
        ("post", "/api/v1/sla/policies", {"name": "x", "priority_overrides": {"meh": {"resolution": 5}}}),
        ("put", "/api/v1/sla/policies/99999999999999999999", {"name": "x", "first_response_minutes": 10}),
    ]
    for method, path, data in cases:
        response = getattr(api, method)(path, data)
        assert 400 <= response.status_code < 500, (path, data, response.status_code, response.content)
    assert api.get("/api/v1/sla/tickets/123456").status_code == 404
    assert api.get("/api/v1/sla/tickets/99999999999999999999").status_code in (404, 422)
    assert not SlaPolicy.objects.exists()


def test_agents_read_but_cannot_write(client, agent, admin_user):
    from postventa.accounts.tokens import token_create

    _, secret = token_create(acting_user=admin_user, owner=agent, name="t", scopes=["tickets:write"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/sla/policies", headers=headers).status_code == 200
    response = client.post(
        "/api/v1/sla/policies", {"name": "x", "first_response_minutes": 5}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 403
