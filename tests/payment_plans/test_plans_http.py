"""Payment plans over HTTP: API, console pages, portal (customer A vs B)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from postventa.aftercare.payment_plans import services
from postventa.aftercare.payment_plans.models import Instalment, PaymentPlan

pytestmark = pytest.mark.django_db


def test_api_create_pay_and_bad_input(api, order):
    res = api.post("/api/v1/payment-plans", {"order_id": order.pk, "instalments": 0})
    assert res.status_code == 422 and res.json()["code"] == "bad_count"
    res = api.post("/api/v1/payment-plans", {"order_id": order.pk, "instalments": 2, "amounts": ["1", "2"]})
    assert res.status_code == 422 and res.json()["code"] == "schedule_mismatch"
    res = api.post("/api/v1/payment-plans", {"order_id": order.pk, "instalments": 2, "principal": "-5"})
    assert res.status_code == 422
    assert PaymentPlan.objects.count() == 0 and Instalment.objects.count() == 0
    res = api.post("/api/v1/payment-plans", {"order_id": order.pk, "instalments": 3})
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["interest_rate_percent"] == "0"
    assert [i["amount"] for i in body["instalments"]] == ["166.67", "166.67", "166.66"]
    assert "0 % de interés" in body["terms"] or "0 % interest" in body["terms"]
    res = api.post(f"/api/v1/payment-plans/{body['id']}/instalments/1/pay", {"reference": "TPV-1"})
    assert res.json()["instalments"][0]["status"] == "paid"
    assert res.json()["instalments"][0]["amount"] == "166.67"
    assert api.post(f"/api/v1/payment-plans/{body['id']}/instalments/9/pay", {}).status_code == 404
    assert api.get("/api/v1/payment-plans").json()["items"][0]["id"] == body["id"]


def test_console_create_from_repair_and_record_payment(client, agent, customer, make_approved_repair):
    repair = make_approved_repair(customer)
    client.force_login(agent)
    page = client.get(reverse("console:repair_detail", args=[repair.pk])).content.decode()
    assert reverse("console:payment_plan_create") + f"?repair={repair.pk}" in page
    assert client.get(reverse("console:payment_plan_create") + f"?repair={repair.pk}").status_code == 200
    res = client.post(
        reverse("console:payment_plan_create"),
        {
            "repair": repair.pk,
            "instalments": "0",
            "interval": "monthly",
            "principal": "121.00",
            "first_due_on": "",
        },
    )
    assert res.status_code == 400
    assert PaymentPlan.objects.count() == 0
    res = client.post(
        reverse("console:payment_plan_create"),
        {
            "repair": repair.pk,
            "instalments": "4",
            "interval": "monthly",
            "principal": "121.00",
            "first_due_on": "",
        },
    )
    assert res.status_code == 302
    plan = PaymentPlan.objects.get()
    detail = client.get(reverse("console:payment_plan_detail", args=[plan.pk])).content.decode()
    assert "4 plazos de 30,25" in detail and "0 % de interés" in detail
    client.post(reverse("console:payment_plan_pay", args=[plan.pk, 1]), {"reference": "efectivo"})
    assert plan.instalments.get(sequence=1).status == "paid"
    assert client.get(reverse("console:payment_plan_list")).status_code == 200
    assert client.get(reverse("console:payment_plan_list") + "?status=active&overdue=1").status_code == 200


def test_console_create_from_an_order_number(client, agent, order):
    client.force_login(agent)
    res = client.get(reverse("console:payment_plan_create") + f"?order_number={order.number}")
    assert res.status_code == 200
    assert client.get(reverse("console:payment_plan_create") + "?order_number=NOPE").status_code == 404


def test_analyst_reads_but_cannot_pay(client, analyst, agent, order):
    plan = services.create_plan(actor=agent, order=order, instalments=2)
    client.force_login(analyst)
    assert client.get(reverse("console:payment_plan_detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("console:payment_plan_pay", args=[plan.pk, 1])).status_code == 403
    assert plan.instalments.get(sequence=1).status == "due"


def test_portal_customer_a_cannot_see_b(client, agent, customer, other_customer, make_order):
    from postventa.helpdesk.portal_auth import SESSION_KEY

    plan_a = services.create_plan(actor=agent, order=make_order(customer), instalments=2)
    plan_b = services.create_plan(actor=agent, order=make_order(other_customer), instalments=2)
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    res = client.get(reverse("portal:payment_plans"))
    assert res.status_code == 200
    assert plan_a.number in res.content.decode() and plan_b.number not in res.content.decode()
    assert client.get(reverse("portal:payment_plan_detail", args=[plan_a.number])).status_code == 200
    assert client.get(reverse("portal:payment_plan_detail", args=[plan_b.number])).status_code == 404
    assert Client().get(reverse("portal:payment_plans")).status_code == 302
