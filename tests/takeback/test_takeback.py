"""Take-back: the pipeline with a notification at each step, bad input, permissions, portal A vs B, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.takeback import services
from postventa.aftercare.takeback.models import DisposalInstruction, TakebackRequest, TakebackStatusChange
from postventa.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent


def _tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def test_full_pipeline_notifies_the_customer_at_each_step(smtp_server, drain_outbox, customer, product, make_asset, agent):
    asset = make_asset(customer, product, "SN-1")
    req = services.request_create(customer=customer, asset=asset, method="pickup", address="Calle Mayor 1, Madrid")
    assert req.number == f"TB-{req.pk:06d}" and req.category_id == product.category_id
    services.request_transition(acting_user=agent, request=req, to_status="scheduled", scheduled_for=_tomorrow())
    services.request_transition(acting_user=agent, request=req, to_status="collected")
    services.request_transition(acting_user=agent, request=req, to_status="recycled")
    services.request_transition(acting_user=agent, request=req, to_status="closed", certificate_number="RAEE-2025-77")
    req.refresh_from_db()
    assert req.status == "closed" and req.certificate_number == "RAEE-2025-77"
    assert list(TakebackStatusChange.objects.filter(request=req).values_list("to_status", flat=True)) == [
        "requested", "scheduled", "collected", "recycled", "closed"]  # fmt: skip
    assert OutboxEvent.objects.filter(type="takeback.requested").count() == 1
    assert OutboxEvent.objects.filter(type="takeback.status_changed").count() == 4
    drain_outbox()
    smtp_server.wait_for(5)
    subjects = [m["Subject"] for m in smtp_server.to("lucia@example.com")]
    assert len(subjects) == 5
    assert all(req.number in s for s in subjects)
    assert "RAEE-2025-77" in smtp_server.messages[-1].get_body(("plain",)).get_content()


def test_wrong_steps_and_missing_data_are_refused(customer, agent):
    with pytest.raises(ValidationFailed):
        services.request_create(customer=customer, method="pickup", item_description="Nevera vieja")  # no address
    with pytest.raises(ValidationFailed):
        services.request_create(customer=customer, method="drop_off")  # no item
    with pytest.raises(ValidationFailed):
        services.request_create(customer=customer, method="teleport", item_description="x")
    assert TakebackRequest.objects.count() == 0
    req = services.request_create(customer=customer, method="drop_off", item_description="Nevera vieja")
    with pytest.raises(Conflict):
        services.request_transition(acting_user=agent, request=req, to_status="recycled")
    with pytest.raises(ValidationFailed):
        services.request_transition(acting_user=agent, request=req, to_status="scheduled")  # no date
    with pytest.raises(ValidationFailed):
        services.request_transition(acting_user=agent, request=req, to_status="cancelled")  # no reason
    services.request_transition(acting_user=agent, request=req, to_status="scheduled", scheduled_for=_tomorrow())
    services.request_transition(acting_user=agent, request=req, to_status="collected")
    services.request_transition(acting_user=agent, request=req, to_status="refurbished")
    with pytest.raises(ValidationFailed):
        services.request_transition(acting_user=agent, request=req, to_status="closed")  # no certificate nor note
    req.refresh_from_db()
    assert req.status == "refurbished"


def test_permissions(customer, other_customer, product, make_asset, agent, analyst, supervisor):
    b_asset = make_asset(other_customer, product, "SN-B")
    with pytest.raises(NotFound):
        services.request_create(customer=customer, asset=b_asset, method="drop_off")
    req = services.request_create(customer=customer, method="drop_off", item_description="Microondas")
    with pytest.raises(PermissionDenied):
        services.request_transition(acting_user=analyst, request=req, to_status="scheduled", scheduled_for=_tomorrow())
    with pytest.raises(PermissionDenied):
        services.instruction_save(acting_user=agent, category=product.category, instructions_es="x")
    services.instruction_save(acting_user=supervisor, category=product.category, instructions_es="Punto limpio")
    assert DisposalInstruction.objects.get().instructions_es == "Punto limpio"


def test_portal_customer_a_cannot_see_b(client, portal_login, customer, other_customer, product, make_asset):
    b_req = services.request_create(customer=other_customer, method="drop_off", item_description="Tostadora de B")
    asset = make_asset(customer, product, "SN-A")
    portal_login(client, customer)
    assert client.get(reverse("portal:takeback_detail", args=[b_req.pk])).status_code == 404
    assert client.post(reverse("portal:takeback_cancel", args=[b_req.pk])).status_code == 404
    assert "Tostadora de B" not in client.get(reverse("portal:takeback")).content.decode()
    bad = client.post(reverse("portal:takeback_new"), {"asset": "", "method": "pickup", "item": "", "address": ""})
    assert bad.status_code == 400
    resp = client.post(reverse("portal:takeback_new"), {"asset": str(asset.pk), "method": "pickup", "address": "Calle Luna 3"})
    assert resp.status_code == 302
    req = TakebackRequest.objects.get(customer=customer)
    assert req.asset_id == asset.pk and req.source == "portal"
    assert client.get(reverse("portal:takeback_detail", args=[req.pk])).status_code == 200
    assert client.post(reverse("portal:takeback_cancel", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.status == "cancelled"


def test_console_pages_and_status_change(client, agent, customer):
    req = services.request_create(customer=customer, method="drop_off", item_description="Plancha")
    client.force_login(agent)
    assert client.get(reverse("console:takeback_list")).status_code == 200
    assert client.get(reverse("console:takeback_detail", args=[req.pk])).status_code == 200
    assert client.get(reverse("console:takeback_instructions")).status_code == 200
    resp = client.post(reverse("console:takeback_transition", args=[req.pk]),
                       {"status": "scheduled", "scheduled_for": _tomorrow().isoformat()})  # fmt: skip
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.status == "scheduled"
    assert client.get(reverse("console:takeback_instruction_edit", args=[1])).status_code in (403, 404)


def test_api(api, customer):
    r = api.post("/api/v1/takeback/requests", {"customer_id": customer.pk, "method": "drop_off", "item_description": "TV"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = api.post(f"/api/v1/takeback/requests/{rid}/status", {"status": "collected"})
    assert r.status_code == 409 and r.json()["code"] == "bad_transition"
    r = api.post(f"/api/v1/takeback/requests/{rid}/status", {"status": "scheduled", "scheduled_for": _tomorrow().isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "scheduled"
    assert [h["to_status"] for h in r.json()["history"]] == ["requested", "scheduled"]
    assert api.get("/api/v1/takeback/requests").json()["items"][0]["id"] == rid
    assert api.get("/api/v1/takeback/requests/99999999").status_code == 404
