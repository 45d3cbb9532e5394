"""notify_customer end to end: real templates, a real SMTP server, real rows."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from postventa.customers.models import Customer, TimelineEntry
from postventa.customers.timeline import render as render_timeline
from postventa.notifications import services
from postventa.notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.UTC)  # 12:00 in Madrid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def make_customer(**extra) -> Customer:
    fields = {"first_name": "Lucía", "last_name": "O'Brien", "email": "lucia@example.com", "language": "es"}
    fields.update(extra)
    return Customer.objects.create(**fields)


def notify(customer, key="k-1", purpose="transactional", now=NOW, **context):
    return services.notify_customer(
        customer=customer,
        template="generic",
        context={"title": "Tu pedido 1001 ha salido", "body": "Llegará el jueves.", **context},
        idempotency_key=key,
        purpose=purpose,
        now=now,
    )


def grant(customer, purpose):
    from postventa.customers.models import Consent

    Consent.objects.create(
        customer=customer, channel="email", purpose=purpose, status="granted", source="console"
    )


def test_sends_multipart_email_with_headers_and_records_it(smtp_server):
    # given
    customer = make_customer()

    # when
    notification = notify(customer, action_url="https://shop.example/track/1001", action_label="Seguir")

    # then
    [message] = smtp_server.wait_for(1)
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at == NOW
    assert notification.attempts == 1
    assert message["To"] == "lucia@example.com"
    assert message["Subject"] == "Tu pedido 1001 ha salido"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == services.message_id_for("k-1") == notification.message_id
    assert message.is_multipart()
    text = body_text(message)
    html = body_html(message)
    assert "Hola, Lucía O'Brien:" in text  # Spanish, and not HTML-escaped in the text part
    assert "Llegará el jueves." in text
    assert "Seguir: https://shop.example/track/1001" in text
    assert 'href="https://shop.example/track/1001"' in html
    assert "O&#x27;Brien" in html  # escaped in HTML
    assert "Postventa" in html  # the shared layout's brand header
    assert "El equipo de atención al cliente de Postventa" in html
    entry = TimelineEntry.objects.get(customer=customer)
    assert entry.kind == "notification.sent"
    assert entry.data["subject"] == "Tu pedido 1001 ha salido"
    assert entry.data["status"] == "sent"


def test_english_customer_gets_english_text(smtp_server):
    customer = make_customer(email="john@example.com", first_name="John", last_name="Smith", language="en")

    notify(customer, title="Your order 1001 has shipped", body="It arrives on Thursday.")

    [message] = smtp_server.wait_for(1)
    assert "Hello John Smith," in body_text(message)
    assert "The Postventa customer service team" in body_text(message)
    assert "Hola" not in body_text(message)


def test_same_key_twice_sends_one_email(smtp_server):
    customer = make_customer()

    first = notify(customer, key="order:1001:shipped")
    second = notify(customer, key="order:1001:shipped")

    smtp_server.wait_for(2, timeout=0.5)
    assert len(smtp_server.messages) == 1
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert TimelineEntry.objects.filter(kind="notification.sent").count() == 1


def test_quiet_hours_defer_then_the_sweep_sends(smtp_server):
    # given: quiet 21:00-09:00 Madrid; 22:30 Madrid is 21:30 UTC in March
    customer = make_customer(quiet_start=dt.time(21, 0), quiet_end=dt.time(9, 0), time_zone="Europe/Madrid")
    late = dt.datetime(2026, 3, 10, 21, 30, tzinfo=dt.UTC)

    # when
    notification = notify(customer, now=late)

    # then: deferred until 09:00 Madrid (08:00 UTC) next day, nothing sent
    assert notification.status == Notification.Status.DEFERRED
    assert notification.scheduled_for == dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)
    assert services.send_due(now=dt.datetime(2026, 3, 11, 7, 59, tzinfo=dt.UTC)) == 0
    assert smtp_server.messages == []

    # when the quiet hours are over
    assert services.send_due(now=dt.datetime(2026, 3, 11, 8, 1, tzinfo=dt.UTC)) == 1

    # then
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert services.send_due(now=dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)) == 0


def test_marketing_without_consent_is_suppressed(smtp_server):
    customer = make_customer()

    notification = notify(customer, purpose="marketing")

    assert notification.status == Notification.Status.SUPPRESSED
    assert "consent" in notification.last_error.lower() or "consentido" in notification.last_error.lower()
    assert smtp_server.wait_for(1, timeout=0.3) == []


def test_marketing_with_consent_is_sent_and_withdrawn_transactional_is_not(smtp_server):
    from postventa.customers.models import Consent

    customer = make_customer()
    grant(customer, "marketing")
    Consent.objects.create(
        customer=customer, channel="email", purpose="transactional", status="withdrawn", source="console"
    )

    assert notify(customer, key="m1", purpose="marketing").status == Notification.Status.SENT
    assert notify(customer, key="t1", purpose="transactional").status == Notification.Status.SUPPRESSED
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1


def test_weekly_cap_applies_to_marketing_not_transactional(smtp_server, settings):
    settings.NOTIFICATIONS_MAX_PER_WEEK = 2
    customer = make_customer()
    grant(customer, "marketing")
    grant(customer, "surveys")

    statuses = [
        notify(customer, key="m1", purpose="marketing", now=NOW).status,
        notify(customer, key="s1", purpose="surveys", now=NOW + dt.timedelta(days=1)).status,
        notify(customer, key="m2", purpose="marketing", now=NOW + dt.timedelta(days=2)).status,
        notify(customer, key="t1", purpose="transactional", now=NOW + dt.timedelta(days=2)).status,
        # a week after the first one, there is room again
        notify(customer, key="m3", purpose="marketing", now=NOW + dt.timedelta(days=7, minutes=1)).status,
    ]

    assert statuses == ["sent", "sent", "suppressed", "sent", "sent"]
    smtp_server.wait_for(4)
    assert len(smtp_server.messages) == 4


def test_customer_own_cap_wins_over_default(smtp_server, settings):
    settings.NOTIFICATIONS_MAX_PER_WEEK = 5
    customer = make_customer(max_messages_per_week=1)
    grant(customer, "marketing")

    assert notify(customer, key="m1", purpose="marketing").status == "sent"
    assert notify(customer, key="m2", purpose="marketing").status == "suppressed"


@pytest.mark.django_db(transaction=True)
def test_smtp_down_records_failure_raises_for_retry_then_succeeds(smtp_server, settings):
    # given an SMTP port with nobody listening
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    customer = make_customer()

    # when: outside a transaction a failed send is recorded (committed) and raised
    with pytest.raises(services.NotificationNotSent):
        notify(customer, key="order:9:shipped")

    # then
    notification = Notification.objects.get(idempotency_key="order:9:shipped")
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "refused" in notification.last_error.lower() or "errno" in notification.last_error.lower()
    assert notification.scheduled_for == NOW + dt.timedelta(seconds=30)
    failed = TimelineEntry.objects.get(customer=customer, kind="notification.failed")
    assert failed.data["will_retry"] is True
    assert "Tu pedido 1001 ha salido" in render_timeline(failed)

    # when the server is back and the caller retries with the same key
    settings.EMAIL_PORT = good_port
    again = notify(customer, key="order:9:shipped", now=NOW + dt.timedelta(minutes=1))

    # then it is sent once, on the second attempt
    assert again.status == Notification.Status.SENT
    assert again.attempts == 2
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1
    assert TimelineEntry.objects.filter(customer=customer, kind="notification.sent").count() == 1


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    customer = make_customer()

    with pytest.raises(services.NotificationNotSent):
        notify(customer, key="x")
    # the sweep retries when due; the second failure is final and not raised
    assert services.send_due(now=NOW + dt.timedelta(seconds=31)) == 1
    notification = Notification.objects.get(idempotency_key="x")
    assert notification.status == "failed"
    assert notification.attempts == 2
    assert services.send_due(now=NOW + dt.timedelta(days=1)) == 0
    final = TimelineEntry.objects.filter(kind="notification.failed").order_by("id").last()
    assert final.data["will_retry"] is False
    assert TimelineEntry.objects.filter(kind="notification.failed").count() == 2


def test_inside_a_transaction_failure_is_recorded_not_raised(settings):
    from django.db import transaction

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    customer = make_customer()

    with transaction.atomic():
        notification = notify(customer, key="in-tx")

    assert notification.status == "failed"
    assert Notification.objects.get(idempotency_key="in-tx").attempts == 1


def test_customer_without_email_is_suppressed(smtp_server):
    customer = make_customer(email="")

    notification = notify(customer)

    assert notification.status == "suppressed"
    assert notification.to_address == ""


def test_unknown_template_is_refused():
    from postventa.core.errors import ValidationFailed

    customer = make_customer()
    with pytest.raises(ValidationFailed):
        services.notify_customer(customer=customer, template="nope", context={}, idempotency_key="k")
    with pytest.raises(ValidationFailed):
        services.notify_customer(customer=customer, template="../x", context={}, idempotency_key="k")
    assert Notification.objects.count() == 0


def test_test_runner_transaction_does_not_count_as_a_caller_transaction(settings):
    # pytest-django wraps this test in a transaction; notify_customer must behave as in autocommit
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    customer = make_customer()

    with pytest.raises(services.NotificationNotSent):
        notify(customer, key="autocommit-like")
