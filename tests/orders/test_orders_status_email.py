import pytest
from mailtools import body_html, body_text
from pv_orders_helpers import make_customer, make_order, walk

from postventa.core.models import OutboxEvent
from postventa.notifications.models import Notification
from postventa.orders import services
from postventa.orders.shipments import shipment_create


@pytest.mark.django_db
def test_status_change_sends_one_personalised_email_in_customers_language(smtp_server, drain_outbox):
    customer = make_customer("lucia@example.com", first_name="Lucía", language="es")
    order = walk(make_order(customer), "paid", "preparing")
    shipment_create(
        acting_user=None,
        order=order,
        carrier="seur",
        tracking_number="S1",
        tracking_url="https://seur.example/S1",
    )
    drain_outbox()
    smtp_server.wait_for(2)
    smtp_server.messages.clear()

    services.order_change_status(order=order, to_status="shipped", source="staff")
    drain_outbox()
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    message = messages[0]
    assert (
        message["To"].endswith("lucia@example.com>")
        or message["To"] == "lucia@example.com"
        or "lucia@example.com" in message["To"]
    )
    assert "PV-1001" in message["Subject"]
    assert "Enviado" in message["Subject"]
    text = body_text(message)
    assert "Hola, Lucía:" in text
    assert "Lavadora EcoWash 8 kg" in text
    assert "/track/o/" in text
    assert "https://seur.example/S1" in text
    assert "/track/o/" in body_html(message)

    # Draining again (a retry) sends nothing twice.
    OutboxEvent.objects.filter(type="order.status_changed").update(status="pending", done_receivers=[])
    drain_outbox()
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    assert Notification.objects.filter(template="order_status", customer=customer).count() == 3


@pytest.mark.django_db
def test_english_customer_gets_english_email_and_hidden_status_sends_nothing(smtp_server, drain_outbox):
    customer = make_customer("tom@example.com", first_name="Tom", language="en")
    order = make_order(customer)
    drain_outbox()
    assert smtp_server.wait_for(1, timeout=0.3) == []  # pending_payment is not customer-visible
    services.order_change_status(order=order, to_status="paid", source="staff")
    drain_outbox()
    message = smtp_server.wait_for(1)[0]
    assert message["Subject"] == "Your order PV-1001: Paid"
    assert "Hello Tom" in body_text(message)
