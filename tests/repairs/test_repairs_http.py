"""API, console and portal boundaries: permissions, customer A vs B, bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from repairs_testutil import png_upload

from postventa.aftercare.repairs import services
from postventa.aftercare.repairs.models import RepairOrder, SparePart

pytestmark = pytest.mark.django_db


def test_api_create_list_detail_and_flow(api, asset, spare_part):
    res = api.post("/api/v1/repairs", {"asset_id": asset.pk, "fault": "No calienta", "accessories": "Cable"})
    assert res.status_code == 201, res.content
    repair_id = res.json()["id"]
    assert res.json()["number"].startswith("REP-")
    assert api.post(f"/api/v1/repairs/{repair_id}/diagnosis", {"diagnosis": "Resistencia"}).status_code == 200
    res = api.put(
        f"/api/v1/repairs/{repair_id}/quote",
        {
            "lines": [
                {"kind": "part", "spare_part_id": spare_part.pk, "quantity": "1"},
                {"kind": "labour", "description": "MO", "quantity": "1", "unit_price": "30"},
            ]
        },
    )
    assert res.status_code == 200
    assert res.json()["quote"]["total"] == "78.65"
    assert api.post(f"/api/v1/repairs/{repair_id}/quote/send").json()["status"] == "quote_sent"
    assert (
        api.post(f"/api/v1/repairs/{repair_id}/quote/decision", {"approve": True}).json()["status"]
        == "approved"
    )
    assert (
        api.post(f"/api/v1/repairs/{repair_id}/transition", {"to_status": "in_repair"}).json()["status"]
        == "in_repair"
    )
    res = api.post(f"/api/v1/repairs/{repair_id}/parts", {"spare_part_id": spare_part.pk, "quantity": 5})
    assert res.status_code == 409
    assert res.json()["code"] == "out_of_stock"
    assert (
        api.post(
            f"/api/v1/repairs/{repair_id}/parts", {"spare_part_id": spare_part.pk, "quantity": 1}
        ).status_code
        == 201
    )
    res = api.post(f"/api/v1/repairs/{repair_id}/complete", {"report": "Cambiada"})
    assert res.json()["status"] == "repaired"
    assert [c["to_status"] for c in res.json()["timeline"]][-1] == "repaired"
    page = api.get("/api/v1/repairs", status="repaired")
    assert [r["id"] for r in page.json()["items"]] == [repair_id]
    parts = api.get("/api/v1/repairs/spare-parts").json()
    assert parts["items"][0]["stock"] == 2


def test_api_bad_input(api, asset):
    assert api.post("/api/v1/repairs", {"asset_id": asset.pk, "fault": ""}).status_code == 422
    assert api.post("/api/v1/repairs", {"asset_id": 999999, "fault": "x"}).json()["code"] == "asset_not_found"
    res = api.post("/api/v1/repairs", {"asset_id": asset.pk, "fault": "x"})
    rid = res.json()["id"]
    res = api.post(f"/api/v1/repairs/{rid}/transition", {"to_status": "closed"})
    assert res.status_code == 422 and res.json()["code"] == "illegal_transition"
    assert api.get("/api/v1/repairs/99999999999999999999").status_code in (404, 422)
    assert api.get("/api/v1/repairs", cursor="nonsense").status_code == 422
    assert RepairOrder.objects.count() == 1


def test_api_permissions(client, analyst, agent, admin_user, asset):
    from postventa.accounts.tokens import token_create

    _, read_only = token_create(acting_user=admin_user, owner=analyst, name="ro", scopes=["repairs:read"])
    headers = {"Authorization": f"Bearer {read_only}"}
    assert client.get("/api/v1/repairs", headers=headers).status_code == 200
    res = client.post(
        "/api/v1/repairs",
        {"asset_id": asset.pk, "fault": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert res.status_code == 403
    _, agent_plans_only = token_create(acting_user=admin_user, owner=agent, name="p", scopes=["plans:write"])
    res = client.get("/api/v1/repairs", headers={"Authorization": f"Bearer {agent_plans_only}"})
    assert res.status_code == 403
    assert client.get("/api/v1/repairs").status_code == 401
    assert RepairOrder.objects.count() == 0


def test_console_pages_render_and_need_permission(client, agent, analyst, make_repair, asset, spare_part):
    repair = make_repair(asset, "in_repair")
    client.force_login(agent)
    for url in (
        reverse("console:repair_list"),
        reverse("console:repair_list") + "?status=open&warranty=no&technician=none",
        reverse("console:repair_detail", args=[repair.pk]),
        reverse("console:repair_create") + f"?asset={asset.pk}",
        reverse("console:spare_part_list"),
        reverse("console:asset_detail", args=[asset.pk]),
        reverse("console:customer_detail", args=[asset.customer_id]),
    ):
        res = client.get(url)
        assert res.status_code == 200, url
    assert repair.number in client.get(reverse("console:asset_detail", args=[asset.pk])).content.decode()
    client.force_login(analyst)
    assert client.get(reverse("console:repair_detail", args=[repair.pk])).status_code == 200
    assert (
        client.post(reverse("console:repair_complete", args=[repair.pk]), {"report": "x"}).status_code == 403
    )
    assert RepairOrder.objects.get(pk=repair.pk).status == "in_repair"
    Client().get(reverse("console:repair_list"))  # anonymous
    assert Client().get(reverse("console:repair_list")).status_code == 302


def test_console_intake_bad_input_is_a_form_error(client, agent, asset):
    client.force_login(agent)
    res = client.post(reverse("console:repair_create"), {"asset_id": asset.pk, "fault": ""})
    assert res.status_code == 400
    assert "Describe la avería" in res.content.decode()
    res = client.post(
        reverse("console:repair_create"),
        {"asset_id": asset.pk, "fault": "x", "photos": [png_upload("a.png", b"GIF89a....")]},
    )
    assert res.status_code == 400
    assert RepairOrder.objects.count() == 0


def test_portal_customer_a_cannot_see_b(
    client, portal_login, make_repair, make_asset, customer, other_customer, agent
):
    repair_a = services.open_repair(
        actor=agent, asset=make_asset(customer), fault="A", under_warranty=False, photos=[png_upload()]
    )
    repair_b = make_repair(make_asset(other_customer), "received")
    photo = repair_a.photos.get()
    portal_login(client, customer)
    res = client.get(reverse("portal:repairs"))
    assert repair_a.number in res.content.decode()
    assert repair_b.number not in res.content.decode()
    assert client.get(reverse("portal:repair_detail", args=[repair_a.number])).status_code == 200
    assert client.get(reverse("portal:repair_detail", args=[repair_b.number])).status_code == 404
    assert client.get(reverse("portal:repair_photo", args=[repair_a.number, photo.pk])).status_code == 200
    other = Client()
    portal_login(other, other_customer)
    assert other.get(reverse("portal:repair_photo", args=[repair_a.number, photo.pk])).status_code == 404
    assert other.get(reverse("portal:repair_photo", args=[repair_b.number, photo.pk])).status_code == 404
    # signed out: sent to sign in; staff see photos in the console
    assert Client().get(reverse("portal:repair_photo", args=[repair_a.number, photo.pk])).status_code == 302
    staff = Client()
    staff.force_login(agent)
    res = staff.get(reverse("console:repair_photo", args=[repair_a.pk, photo.pk]))
    assert res.status_code == 200 and res["Content-Type"] == "image/png"


def test_spare_part_console_needs_manage(client, agent, supervisor):
    client.force_login(agent)
    res = client.post(reverse("console:spare_part_create"), {"sku": "X1", "name_es": "X"})
    assert res.status_code == 403
    client.force_login(supervisor)
    client.post(
        reverse("console:spare_part_create"),
        {"sku": "X1", "name_es": "X", "stock": "4", "unit_price": "2,50"},
    )
    part = SparePart.objects.get(sku="X1")
    assert part.stock == 4 and str(part.unit_price) == "2.50"
    client.post(reverse("console:spare_part_restock", args=[part.pk]), {"delta": "-10"})
    assert SparePart.objects.get(pk=part.pk).stock == 4
