import pytest
from pv_orders_helpers import make_customer, make_order, walk

from postventa.accounts.tokens import token_create
from postventa.orders.models import Order, Shipment


def bearer(client, user, scopes):
    _, secret = token_create(acting_user=user, owner=user, name="t", scopes=scopes)
    return {"Authorization": f"Bearer {secret}"}


def test_requires_authentication(client, db):
    assert client.get("/api/v1/orders").status_code == 401


@pytest.mark.django_db
def test_list_filters_and_keyset_pagination(api, django_assert_max_num_queries):
    customer = make_customer()
    other = make_customer("b@example.com")
    for i in range(5):
        make_order(customer, number=f"A-{i}")
    walk(make_order(other, number="B-1"), "paid")
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/orders", page_size=3)
    data = response.json()
    assert response.status_code == 200
    assert len(data["items"]) == 3 and data["next_cursor"]
    rest = api.get("/api/v1/orders", page_size=3, cursor=data["next_cursor"]).json()
    numbers = [o["number"] for o in data["items"] + rest["items"]]
    assert sorted(numbers) == sorted(["A-0", "A-1", "A-2", "A-3", "A-4", "B-1"])
    assert rest["next_cursor"] is None
    assert [o["number"] for o in api.get("/api/v1/orders", status="paid").json()["items"]] == ["B-1"]
    assert len(api.get("/api/v1/orders", customer_id=customer.pk).json()["items"]) == 5
    assert api.get("/api/v1/orders", status="bogus").status_code == 422
    assert api.get("/api/v1/orders", cursor="!!").status_code == 422
    assert api.get("/api/v1/orders", placed_after="2999-01-01T00:00:00Z").json()["items"] == []


@pytest.mark.django_db
def test_create_retrieve_status_and_shipments(api):
    customer = make_customer()
    response = api.post(
        "/api/v1/orders",
        {
            "number": "API-1",
            "customer_id": customer.pk,
            "currency": "eur",
            "shipping_total": "4.95",
            "lines": [{"sku": "X", "description": "Cosa", "quantity": 3, "unit_price": "10.10"}],
            "ship_postcode": "28001",
        },
    )
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["total"], order["currency"], order["allowed_next"]) == (
        "35.25",
        "EUR",
        ["paid", "rejected", "cancelled"],
    )
    oid = order["id"]
    assert (
        api.post(f"/api/v1/orders/{oid}/status", {"status": "shipped"}).json()["code"] == "illegal_transition"
    )
    moved = api.post(f"/api/v1/orders/{oid}/status", {"status": "paid", "note": "card ok"})
    assert moved.status_code == 200
    assert moved.json()["history"][-1]["note"] == "card ok"
    assert moved.json()["history"][-1]["source"] == "api"
    shipment = api.post(f"/api/v1/orders/{oid}/shipments", {"carrier": "SEUR", "tracking_number": "T1"})
    assert shipment.status_code == 201
    sid = shipment.json()["id"]
    assert (
        api.post(f"/api/v1/orders/{oid}/shipments", {"carrier": "seur", "tracking_number": "T1"}).status_code
        == 409
    )
    patched = api.patch(f"/api/v1/orders/{oid}/shipments/{sid}", {"tracking_url": "https://t.example/1"})
    assert patched.json()["tracking_url"] == "https://t.example/1"
    assert (
        api.patch(f"/api/v1/orders/{oid}/shipments/{sid}", {"tracking_url": "javascript:x"}).status_code
        == 422
    )
    detail = api.get(f"/api/v1/orders/{oid}").json()
    assert detail["shipments"][0]["carrier"] == "seur"
    assert [line["line_total"] for line in detail["lines"]] == ["30.30"]
    assert api.get("/api/v1/orders/999999").status_code == 404
    assert (
        api.post(
            "/api/v1/orders",
            {
                "number": "API-1",
                "customer_id": customer.pk,
                "lines": [{"description": "x", "unit_price": "1"}],
            },
        ).status_code
        == 409
    )


@pytest.mark.django_db
def test_json_import_is_idempotent_and_all_or_nothing(api):
    item = {
        "order_external_id": "S-1",
        "order_number": "S-1",
        "customer_email": "new@example.com",
        "customer_name": "Nuevo Cliente",
        "status": "paid",
        "lines": [{"sku": "A", "quantity": 2, "unit_price": "3.50"}],
    }
    first = api.post("/api/v1/orders/import", {"orders": [item]})
    assert first.status_code == 200, first.content
    assert (first.json()["created"], first.json()["written"]) == (1, True)
    again = api.post("/api/v1/orders/import", {"orders": [item]}).json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    bad = {**item, "order_external_id": "S-2", "order_number": "S-2", "customer_email": "nope"}
    failed = api.post(
        "/api/v1/orders/import",
        {"orders": [{**item, "order_external_id": "S-3", "order_number": "S-3"}, bad]},
    )
    assert failed.status_code == 422
    assert failed.json()["extra"]["errors"][0]["row"] == 2
    assert not Order.objects.filter(external_id="S-3").exists()


@pytest.mark.django_db
def test_permissions_agent_analyst_and_token_scopes(client, agent, analyst, supervisor):
    order = make_order()
    read_only = bearer(client, supervisor, ["orders:read"])
    assert client.get("/api/v1/orders", headers=read_only).status_code == 200
    response = client.post(
        f"/api/v1/orders/{order.pk}/status",
        {"status": "paid"},
        content_type="application/json",
        headers=read_only,
    )
    assert response.status_code == 403
    wrong_area = bearer(client, supervisor, ["customers:read"])
    assert client.get("/api/v1/orders", headers=wrong_area).status_code == 403
    client.force_login(analyst)
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200
    assert (
        client.post(
            f"/api/v1/orders/{order.pk}/status", {"status": "paid"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(agent)
    assert (
        client.post("/api/v1/orders/import", {"orders": []}, content_type="application/json").status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/orders/{order.pk}/status", {"status": "paid"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert Shipment.objects.count() == 0


@pytest.mark.django_db
def test_single_upsert_creates_then_updates(api):
    item = {
        "order_external_id": "U-1",
        "order_number": "U-1",
        "customer_email": "up@example.com",
        "status": "paid",
        "lines": [{"sku": "A", "quantity": 1, "unit_price": "9.99"}],
    }
    first = api.post("/api/v1/orders/upsert", item)
    assert first.status_code == 200, first.content
    assert (first.json()["status"], first.json()["total"]) == ("paid", "9.99")
    second = api.post("/api/v1/orders/upsert", {**item, "status": "preparing"})
    assert second.json()["id"] == first.json()["id"]
    assert [h["to_status"] for h in second.json()["history"]] == ["paid", "preparing"]
    bad = api.post("/api/v1/orders/upsert", {**item, "customer_email": "nope"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_order"


@pytest.mark.django_db
def test_nul_characters_and_huge_amounts_are_422_not_500(api):
    customer = make_customer()
    nul = api.post(
        "/api/v1/orders",
        {"number": "N\x00", "customer_id": customer.pk, "lines": [{"description": "x", "unit_price": "1"}]},
    )
    assert nul.status_code == 422
    huge = api.post(
        "/api/v1/orders",
        {
            "number": "H-1",
            "customer_id": customer.pk,
            "lines": [{"description": "x", "quantity": 1_000_000, "unit_price": "999999999999.99"}],
        },
    )
    assert huge.status_code == 422
    assert (
        api.post(
            "/api/v1/catalog/products", {"sku": "S", "name_es": "x", "attributes": {"a": "\x00"}}
        ).status_code
        == 422
    )
    assert not Order.objects.exists()
