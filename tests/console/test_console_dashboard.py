"""The dashboard shows real counts, bounded queries, and system health only to those who manage it."""

import pytest
from django.core.cache import cache

from postventa.customers.services import customer_create
from postventa.orders.services import order_change_status, order_create


def _order(agent, number, status="pending_payment"):
    customer = customer_create(acting_user=agent, first_name="Eva", emails=[f"{number.lower()}@example.es"])
    order = order_create(
        acting_user=agent, customer=customer, number=number, status=status,
        lines=[{"sku": "X", "description": "Tostadora", "quantity": 1, "unit_price": "20.00"}],
    )  # fmt: skip
    return order


@pytest.mark.django_db
def test_dashboard_counts_customers_and_orders_by_status(console_client, agent, django_assert_max_num_queries):
    _order(agent, "PV-1")
    failed = _order(agent, "PV-2", status="out_for_delivery")
    order_change_status(order=failed, to_status="delivery_failed", acting_user=agent, source="staff")

    with django_assert_max_num_queries(15):
        response = console_client.get("/console/")

    assert response.status_code == 200
    assert response.context["customer_count"] == 2
    by_status = {row["code"]: row["count"] for row in response.context["orders_by_status"]}
    assert by_status["pending_payment"] == 1 and by_status["delivery_failed"] == 1
    assert response.context["needs_attention"] == 1
    assert "PV-2" in response.content.decode()
    assert "outbox_failed" not in response.context  # agents do not see system health


@pytest.mark.django_db
def test_whole_table_counts_are_cached_for_a_minute(console_client, agent):
    _order(agent, "PV-1")
    console_client.get("/console/")
    _order(agent, "PV-3")

    assert console_client.get("/console/").context["customer_count"] == 1  # cached
    cache.clear()
    assert console_client.get("/console/").context["customer_count"] == 2


@pytest.mark.django_db
def test_admin_sees_event_delivery_health(admin_client):
    response = admin_client.get("/console/")
    assert response.status_code == 200
    assert response.context["outbox_failed"] == 0
