"""The demo shop's rows render in the console and the API (timeline kinds, histories, shipments)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from postventa.accounts.models import User
from postventa.customers.models import Customer
from postventa.orders import pipeline
from postventa.orders.models import Order


@pytest.mark.django_db
def test_demo_customers_and_orders_render_in_the_console(client):
    call_command("demo", "--customers", "20", "--orders", "120", stdout=StringIO())
    client.force_login(User.objects.get(username="agente"))
    busiest = Customer.objects.order_by("-orders__placed_at").first()
    for customer in [
        busiest,
        *Customer.objects.filter(kind="company")[:1],
        *Customer.objects.filter(language="en")[:1],
    ]:
        response = client.get(reverse("console:customer_detail", args=[customer.pk]))
        assert response.status_code == 200
        assert escape(customer.display_name) in response.content.decode()
    for status in pipeline.STATUSES:
        order = Order.objects.filter(status=status).first()
        response = client.get(reverse("console:order_detail", args=[order.pk]))
        assert response.status_code == 200, status
        assert order.number in response.content.decode()
    assert client.get(reverse("console:order_list")).status_code == 200
    assert client.get(reverse("console:customer_list")).status_code == 200
