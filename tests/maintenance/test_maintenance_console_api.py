"""Console pages and API: agent vs supervisor, visits confirm/complete, bad input as 4xx, lists paginate."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.maintenance import services
from postventa.aftercare.maintenance.models import MaintenancePlan, ServiceVisit


def test_agent_sees_pages_but_cannot_edit_plans_or_send_notices(client, agent, product, customer, make_asset):
    make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 1, 1))
    client.force_login(agent)
    for name in ("console:maintenance_plan_list", "console:maintenance_reminder_list", "console:maintenance_visit_list",
                 "console:owner_notice_list"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("console:maintenance_plan_detail", args=[product.pk])).status_code == 200
    resp = client.post(reverse("console:maintenance_plan_save", args=[product.pk]), {"interval_months": "6"})
    assert resp.status_code == 403
    assert MaintenancePlan.objects.count() == 0
    assert client.get(reverse("console:owner_notice_new")).status_code == 403


def test_supervisor_edits_a_plan_from_the_console(client, supervisor, product):
    client.force_login(supervisor)
    url = reverse("console:maintenance_plan_save", args=[product.pk])
    resp = client.post(url, {"interval_months": "12", "lead_days": "10", "service_es": "Limpieza", "is_active": "on"})
    assert resp.status_code == 302
    plan = MaintenancePlan.objects.get()
    assert (plan.interval_months, plan.lead_days, plan.service_es) == (12, 10, "Limpieza")
    items = reverse("console:maintenance_plan_item", args=[product.pk])
    client.post(items, {"action": "add_consumable", "name_es": "Filtro", "period_months": "6"})
    client.post(items, {"action": "add_failure_point", "component_es": "Bomba", "after_months": "6",
                        "message_es": "Revise la bomba"})  # fmt: skip
    assert plan.consumables.count() == 1 and plan.failure_points.count() == 1
    bad = client.post(url, {"interval_months": "-3"}, follow=True)
    assert "entre 1 y 240" in bad.content.decode() or "between 1 and 240" in bad.content.decode()
    plan.refresh_from_db()
    assert plan.interval_months == 12
    page = client.get(reverse("console:maintenance_plan_detail", args=[product.pk])).content.decode()
    assert "Filtro" in page and "Bomba" in page


def test_notice_preview_then_send_from_the_console(client, supervisor, product, customer, make_asset):
    make_asset(customer, product, "SN-1")
    client.force_login(supervisor)
    url = reverse("console:owner_notice_new")
    data = {"product": product.pk, "kind": "end_of_life", "subject_es": "Fin de vida", "message_es": "Texto"}
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    assert "1" in preview.content.decode() and "Send to all owners" in preview.content.decode() or \
        "Enviar a todos" in preview.content.decode()
    sent = client.post(url, {**data, "action": "send"})
    assert sent.status_code == 302
    detail = client.get(sent["Location"])
    assert detail.status_code == 200
    bad = client.post(url, {**data, "kind": "nonsense", "action": "send"})
    assert bad.status_code == 400


def test_visit_confirm_and_complete_in_the_console(client, agent, customer, product, make_asset, smtp_server, drain_outbox):
    asset = make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 1, 1))
    visit = services.visit_book(asset=asset, customer=customer,
                                preferred_date=(timezone.now() + dt.timedelta(days=5)).date())  # fmt: skip
    client.force_login(agent)
    detail = client.get(reverse("console:maintenance_visit_detail", args=[visit.pk]))
    assert detail.status_code == 200 and "SN-1" in detail.content.decode()
    url = reverse("console:maintenance_visit_action", args=[visit.pk])
    when = (timezone.now() + dt.timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    assert client.post(url, {"action": "confirm", "scheduled_for": when}).status_code == 302
    assert client.post(url, {"action": "complete", "note": "Filtro limpio"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == ServiceVisit.Status.COMPLETED and visit.completed_on == services.customer_today(customer, timezone.now())
    drain_outbox()
    smtp_server.wait_for(3)
    assert len(smtp_server.to("lucia@example.com")) == 3  # booked, confirmed, completed


def test_api_plans_visits_and_errors(api, product, customer, make_asset):
    r = api.post("/api/v1/maintenance/plans", {"product_id": product.pk, "interval_months": 12})
    assert r.status_code == 201, r.content
    plan_id = r.json()["id"]
    r = api.post(f"/api/v1/maintenance/plans/{plan_id}/consumables", {"name_es": "Filtro", "period_months": 6})
    assert r.status_code == 201
    assert api.get(f"/api/v1/maintenance/plans/{plan_id}").json()["consumables"][0]["name_es"] == "Filtro"
    assert api.get("/api/v1/maintenance/plans/999999999999").status_code == 404
    asset = make_asset(customer, product, "SN-1")
    r = api.post("/api/v1/maintenance/visits", {"asset_id": asset.pk, "preferred_date": "2020-01-01"})
    assert r.status_code == 422 and r.json()["code"] == "date_in_past"
    r = api.post("/api/v1/maintenance/notices/preview", {"product_id": product.pk})
    assert r.json() == {"assets": 1, "owners": 1}
    r = api.post("/api/v1/maintenance/notices", {"product_id": product.pk, "kind": "x", "subject_es": "a", "message_es": "b"})
    assert r.status_code == 422 and r.json()["code"] == "bad_kind"
    page = api.get("/api/v1/maintenance/reminders", page_size=1)
    assert page.status_code == 200 and "next_cursor" in page.json()
