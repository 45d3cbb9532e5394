"""The "Log a call" page, the HTMX caller lookup and the call list."""

from __future__ import annotations

import pytest

from postventa.customers.services import customer_create
from postventa.messaging.phone.models import PhoneCall
from postventa.messaging.phone.services import log_call

pytestmark = pytest.mark.django_db


def test_log_page_renders_and_logs_a_call(console_client, agent):
    assert console_client.get("/console/phone/log/").status_code == 200
    response = console_client.post("/console/phone/log/", {
        "number": "600 111 222", "direction": "inbound", "outcome": "answered", "duration_minutes": "2",
        "duration_seconds": "5", "notes": "Pregunta por la garantía", "ticket": "new",
    })  # fmt: skip
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert call.duration_seconds == 125 and call.number == "+34600111222" and call.logged_by == agent


def test_log_page_shows_field_errors(console_client):
    response = console_client.post("/console/phone/log/", {"number": "600111222", "direction": "inbound",
                                                           "outcome": "answered", "recording_url": "javascript:alert(1)"})  # fmt: skip
    assert response.status_code == 200
    assert "http or https" in response.content.decode()
    response = console_client.post("/console/phone/log/", {"number": "600111222", "direction": "inbound",
                                                           "outcome": "answered", "duration_minutes": "-1"})  # fmt: skip
    assert "between 0 seconds and 24 hours" in response.content.decode()
    assert PhoneCall.objects.count() == 0


def test_lookup_shows_customer_and_open_tickets(console_client, agent):
    customer = customer_create(acting_user=agent, first_name="Marta", last_name="Gil", phones=["+34600111222"])
    call = log_call(acting_user=agent, number="600111222", direction="inbound", duration=10, outcome="answered")
    response = console_client.get("/console/phone/lookup/", {"number": "600 111 222"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Marta Gil" in html and call.ticket.token in html and "<html" not in html
    unknown = console_client.get("/console/phone/lookup/", {"number": "611000000"}, headers={"HX-Request": "true"})
    assert "new customer" in unknown.content.decode()
    assert customer.pk == call.customer_id


def test_call_list(console_client, agent, django_assert_max_num_queries):
    for i in range(4):
        log_call(acting_user=agent, number=f"60011122{i}", direction="outbound", duration=i, outcome="missed")
    with django_assert_max_num_queries(10):
        response = console_client.get("/console/phone/calls/")
    assert response.status_code == 200
    assert response.content.decode().count("+3460011122") == 4
