import pytest
from pv_orders_helpers import make_customer, make_order, walk

from postventa.orders.models import OrderStatusChange


@pytest.mark.django_db
def test_order_list_renders_with_bounded_queries(console_client, django_assert_max_num_queries):
    customer = make_customer()
    for i in range(30):
        make_order(customer, number=f"PV-{2000 + i}")
    with django_assert_max_num_queries(8):
        response = console_client.get("/console/orders/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "PV-2029" in body and "PV-2000" in body


@pytest.mark.django_db
def test_order_list_filters_by_status_and_number(console_client):
    customer = make_customer()
    walk(make_order(customer, number="PV-1"), "paid")
    make_order(customer, number="PV-2")
    body = console_client.get("/console/orders/", {"status": "paid"}).content.decode()
    assert "PV-1<" in body and "PV-2<" not in body
    body = console_client.get("/console/orders/", {"q": "PV-2"}).content.decode()
    assert "PV-2<" in body and "PV-1<" not in body


@pytest.mark.django_db
def test_order_list_keyset_pages(console_client):
    customer = make_customer()
    for i in range(55):
        make_order(customer, number=f"PV-{3000 + i}")
    first = console_client.get("/console/orders/")
    cursor = first.context["page"].next_cursor
    assert cursor
    second = console_client.get("/console/orders/", {"cursor": cursor})
    assert len(second.context["page"].items) == 5
    assert console_client.get("/console/orders/", {"cursor": "garbage"}).status_code == 200


@pytest.mark.django_db
def test_order_detail_shows_only_allowed_next_statuses(console_client, django_assert_max_num_queries):
    order = walk(make_order(), "paid", "preparing")
    with django_assert_max_num_queries(12):
        response = console_client.get(f"/console/orders/{order.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="shipped"' in body and 'value="cancelled"' in body
    assert 'value="delivered"' not in body and 'value="paid"' not in body
    assert "Lavadora EcoWash 8 kg" in body


@pytest.mark.django_db
def test_status_button_moves_order_and_htmx_shows_errors(console_client, agent):
    order = walk(make_order(), "paid")
    response = console_client.post(
        f"/console/orders/{order.pk}/status/", {"status": "preparing", "note": "go"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "preparing"
    assert OrderStatusChange.objects.filter(
        order=order, to_status="preparing", acting_user=agent, note="go"
    ).exists()
    response = console_client.post(
        f"/console/orders/{order.pk}/status/", {"status": "delivered"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == "preparing"
    ok = console_client.post(
        f"/console/orders/{order.pk}/status/", {"status": "shipped"}, headers={"HX-Request": "true"}
    )
    assert ok.status_code == 200
    assert 'id="order-status-badge" hx-swap-oob="true"' in ok.content.decode()
    order.refresh_from_db()
    assert order.status == "shipped"


@pytest.mark.django_db
def test_analyst_sees_orders_but_cannot_change_status(client, analyst):
    client.force_login(analyst)
    order = walk(make_order(), "paid")
    assert client.get(f"/console/orders/{order.pk}/").status_code == 200
    assert client.post(f"/console/orders/{order.pk}/status/", {"status": "preparing"}).status_code == 403
    assert client.get("/console/orders/import/").status_code == 403
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.django_db
def test_unknown_order_is_404(console_client):
    assert console_client.get("/console/orders/999999/").status_code == 404


@pytest.mark.django_db
def test_staff_adds_a_shipment_from_the_order_page(console_client):
    from postventa.orders.models import Shipment

    order = walk(make_order(), "paid", "preparing")
    url = f"/console/orders/{order.pk}/shipments/"
    response = console_client.post(
        url, {"carrier": "SEUR", "tracking_number": "S-55", "tracking_url": "https://s/55"}
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.tracking_number) == ("seur", "S-55")
    page = console_client.get(f"/console/orders/{order.pk}/").content.decode()
    assert "S-55" in page
    console_client.post(url, {"carrier": "seur", "tracking_number": "S-55"})
    assert Shipment.objects.count() == 1
