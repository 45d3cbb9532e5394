"""Returns API: create, list, detail, transition, inspect, refund; 4xx shapes; roles and scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from postventa.aftercare.returns.models import Refund, ReturnLine, ReturnRequest


@pytest.fixture
def order(customer, make_order):
    return make_order(customer, delivered=timezone.now() - dt.timedelta(days=2))


@pytest.fixture
def agent_api(client, agent, admin_user):
    from postventa.accounts.tokens import token_create

    _, secret = token_create(acting_user=admin_user, owner=agent, name="agent", scopes=["returns:write"])
    headers = {"Authorization": f"Bearer {secret}"}

    class Api:
        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", headers=headers)

        def get(self, path, **params):
            return client.get(path, params, headers=headers)

    return Api()


def _create(api, order, qty=1, sku="KETTLE-1"):
    line = order.lines.get(sku=sku)
    return api.post(
        "/api/v1/returns",
        {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": qty}], "reason": "damaged"},
    )


def test_create_list_detail_and_full_flow(api, order):
    res = _create(api, order, qty=2)
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["number"].startswith("RMA-") and body["status"] == "approved"
    assert body["shipping_paid_by"] == "business" and body["channel"] == "api"
    rid = body["id"]
    listing = api.get("/api/v1/returns", status="approved").json()
    assert [r["id"] for r in listing["items"]] == [rid] and listing["next_cursor"] is None
    assert api.post(f"/api/v1/returns/{rid}/transition", {"status": "received"}).status_code == 200
    line_id = body["lines"][0]["id"]
    res = api.post(
        f"/api/v1/returns/{rid}/inspect",
        {
            "lines": [
                {
                    "line_id": line_id,
                    "condition": "damaged",
                    "restock": False,
                    "accepted": True,
                    "note": "Dented",
                }
            ]
        },
    )
    assert res.status_code == 200 and res.json()["status"] == "inspected"
    assert res.json()["refund_ceiling"] == "50.00"
    res = api.post(
        f"/api/v1/returns/{rid}/refund", {"amount": "20.00", "method": "bank_transfer", "reference": "T-1"}
    )
    assert res.status_code == 201 and res.json()["amount"] == "20.00"
    detail = api.get(f"/api/v1/returns/{rid}").json()
    assert detail["status"] == "refunded" and detail["refunded_total"] == "20.00"
    assert [r["reference"] for r in detail["refunds"]] == ["T-1"]
    refunds = api.get("/api/v1/refunds", source_type="return").json()
    assert len(refunds["items"]) == 1
    assert api.get(f"/api/v1/refunds/{refunds['items'][0]['id']}").status_code == 200


def test_bad_input_answers_4xx_with_detail_and_code_and_writes_nothing(api, order):
    before = (ReturnRequest.objects.count(), ReturnLine.objects.count())
    res = _create(api, order, qty=5)
    assert res.status_code == 422
    assert res.json()["code"] == "not_returnable" and "como máximo 2" in res.json()["detail"]
    res = api.post("/api/v1/returns", {"order_id": order.pk, "lines": [], "reason": "damaged"})
    assert res.status_code == 422 and "detail" in res.json()
    res = api.post(
        "/api/v1/returns", {"order_id": 99999, "lines": [{"order_line_id": 1, "quantity": 1}], "reason": "x"}
    )
    assert res.status_code == 404 and res.json()["code"] == "not_found"
    assert (ReturnRequest.objects.count(), ReturnLine.objects.count()) == before
    rid = _create(api, order).json()["id"]
    res = api.post(f"/api/v1/returns/{rid}/transition", {"status": "refunded"})
    assert res.status_code == 422 and res.json()["code"] == "use_refund"
    res = api.post(f"/api/v1/returns/{rid}/transition", {"status": "inspected"})
    assert res.status_code == 422
    res = api.post(f"/api/v1/returns/{rid}/transition", {"status": "requested"})
    assert res.status_code == 409 and res.json()["code"] == "illegal_transition"
    res = api.post(f"/api/v1/returns/{rid}/refund", {"amount": "1.00"})
    assert res.status_code == 409
    assert api.get("/api/v1/returns", status="nonsense").status_code == 422
    assert api.get("/api/v1/returns/424242").status_code == 404


def test_an_agent_token_can_work_returns_but_not_refund(agent_api, api, order):
    res = _create(agent_api, order)
    assert res.status_code == 201
    rid = res.json()["id"]
    agent_api.post(f"/api/v1/returns/{rid}/transition", {"status": "received"})
    line_id = res.json()["lines"][0]["id"]
    agent_api.post(f"/api/v1/returns/{rid}/inspect", {"lines": [{"line_id": line_id, "condition": "as_new"}]})
    res = agent_api.post(f"/api/v1/returns/{rid}/refund", {"amount": "5.00"})
    assert res.status_code == 403 and res.json()["code"] == "permission_denied"
    assert Refund.objects.count() == 0


def test_store_credit_balance_endpoint(api, customer, supervisor):
    from decimal import Decimal

    from postventa.aftercare.returns.refunds import add_store_credit

    add_store_credit(actor=supervisor, customer=customer, amount=Decimal("12.50"), note="goodwill")
    body = api.get(f"/api/v1/refunds/store-credit/{customer.pk}").json()
    assert body["balance"] == "12.50" and body["entries"][0]["kind"] == "credit"
    assert api.get("/api/v1/refunds/store-credit/999999").status_code == 404
