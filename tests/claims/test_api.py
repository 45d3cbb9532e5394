"""The claims API: list, detail, create for a customer, transition, decide, remedy, report; errors."""

from __future__ import annotations

import pytest

from postventa.aftercare.claims.models import WarrantyClaim

pytestmark = pytest.mark.django_db

BASE = "/api/v1/claims"


def test_create_list_detail_and_decide(api, customer_a, asset_a, old_asset_a):
    res = api.post(BASE, {"customer_id": customer_a.pk, "serial_number": "SN-A-001",
                          "symptoms": "Spin cycle stops with error E21.", "preferred_remedy": "repair"})  # fmt: skip
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["number"].startswith("CLM-") and body["coverage"]["covered"] is True
    assert body["channel"] == "staff" and body["ticket_id"] and body["allowed_next"] == ["in_review"]
    api.post(
        BASE,
        {"customer_id": customer_a.pk, "asset_id": old_asset_a.pk, "symptoms": "Old washer leaks water."},
    )
    page = api.get(BASE, page_size=1).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert len(api.get(BASE, covered="false").json()["items"]) == 1
    claim_id = body["id"]
    assert api.post(f"{BASE}/{claim_id}/decide", {"decision": "approve"}).status_code == 409  # not in review
    assert api.post(f"{BASE}/{claim_id}/transition", {"to": "in_review"}).json()["status"] == "in_review"
    res = api.post(f"{BASE}/{claim_id}/decide", {"decision": "reject", "reason": ""})
    assert res.status_code == 422 and res.json()["code"] == "reason_required"
    res = api.post(f"{BASE}/{claim_id}/decide", {"decision": "approve"})
    assert res.json()["status"] == "approved"
    res = api.post(f"{BASE}/{claim_id}/remedy", {"remedy": "termination", "justification": "x" * 30})
    assert res.status_code == 422 and res.json()["code"] == "second_tier_without_grounds"
    res = api.post(f"{BASE}/{claim_id}/remedy", {"remedy": "repair"})
    assert (
        res.status_code == 200
        and res.json()["status"] == "remedy_in_progress"
        and res.json()["repair_order_id"]
    )
    detail = api.get(f"{BASE}/{claim_id}").json()
    assert [h["to_status"] for h in detail["history"] if h["to_status"]] == [
        "submitted", "in_review", "approved", "remedy_in_progress"]  # fmt: skip
    report = api.get(f"{BASE}/reports/claim-rate").json()
    assert report["items"][0]["sku"] == "WASHER-1" and report["items"][0]["claims"] == 2


def test_bad_input(api, customer_a, asset_b):
    res = api.post(
        BASE, {"customer_id": customer_a.pk, "serial_number": "NOPE", "symptoms": "Nothing works at all."}
    )
    assert res.status_code == 422 and res.json()["code"] == "unknown_serial"
    res = api.post(
        BASE, {"customer_id": customer_a.pk, "asset_id": asset_b.pk, "symptoms": "Nothing works at all."}
    )
    assert res.status_code == 422 and res.json()["code"] == "asset_not_owned"
    assert api.get(f"{BASE}/999999").status_code == 404
    assert api.get(BASE, status="lost").status_code == 422
    assert api.get(f"{BASE}/reports/claim-rate", start="2026-05-01", end="2026-01-01").status_code == 422
    assert WarrantyClaim.objects.count() == 0


def test_scopes_and_roles(client, admin_user, analyst, customer_a, asset_a):
    from postventa.accounts.tokens import token_create

    _t, secret = token_create(acting_user=admin_user, owner=analyst, name="ro", scopes=["claims:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(BASE, headers=headers).status_code == 200
    res = client.post(BASE, {"customer_id": customer_a.pk, "asset_id": asset_a.pk, "symptoms": "Nothing works."},
                      content_type="application/json", headers=headers)  # fmt: skip
    assert res.status_code == 403
    assert client.get(BASE).status_code == 401
