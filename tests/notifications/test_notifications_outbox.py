"""The intended wiring: an event -> an outbox receiver -> notify_customer, retried by the outbox."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.utils import timezone, translation

from postventa.core import outbox
from postventa.core.events import emit, receiver, register_event_type
from postventa.core.models import OutboxEvent
from postventa.customers.models import Customer, TimelineEntry
from postventa.customers.timeline import render as render_timeline
from postventa.notifications.models import Notification
from postventa.notifications.services import notify_customer

register_event_type("test.order_shipped", "A test-only event for notifications")


@receiver("test.order_shipped", key="tests.notify_shipped")
@outbox.non_atomic
def notify_shipped(event):
    customer = Customer.objects.get(pk=event.customer_id)
    notify_customer(
        customer=customer,
        template="generic",
        context={"title": f"Pedido {event.payload['order']} enviado", "body": "Va de camino."},
        # keyed by the event: a retried event never sends a second email
        idempotency_key=f"order-shipped:{event.id}",
        related=("orders.order", event.payload["order"]),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_event_sends_once_and_smtp_outage_is_retried_by_the_outbox(smtp_server, settings):
    # given the mail server is down
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    customer = Customer.objects.create(first_name="Ana", email="ana@example.com", language="es")
    event = emit("test.order_shipped", payload={"order": "1001"}, customer_id=customer.pk)
    t0 = timezone.now()

    # when the worker drains
    outbox.drain(now=t0)

    # then the failure is recorded on both the notification and the event
    notification = Notification.objects.get()
    assert notification.status == "failed" and notification.attempts == 1
    assert notification.related_type == "orders.order" and notification.related_id == "1001"
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.PENDING
    assert "tests.notify_shipped" not in event.done_receivers
    assert "NotificationNotSent" in event.last_error or "Connection" in event.last_error

    # when the server is back and the outbox retries after its backoff
    settings.EMAIL_PORT = good_port
    outbox.drain(now=t0 + dt.timedelta(minutes=1))
    outbox.drain(now=t0 + dt.timedelta(minutes=10))  # nothing left to do: no second email

    # then
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Subject"] == "Pedido 1001 enviado"
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.DONE
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2
    sent = TimelineEntry.objects.get(customer=customer, kind="notification.sent")
    with translation.override("en"):
        assert render_timeline(sent) == "Email “Pedido 1001 enviado” sent to ana@example.com."
    with translation.override("es"):
        assert render_timeline(sent) == "Correo «Pedido 1001 enviado» enviado a ana@example.com."
