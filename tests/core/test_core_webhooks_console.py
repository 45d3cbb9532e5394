"""Settings > Webhooks pages through the Django test client."""

from __future__ import annotations

import core_helpers
import pytest
from django.urls import reverse

from postventa.core import webhooks
from postventa.core.events import emit, register_event_type
from postventa.core.models import AuditEntry, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db
http_sink = core_helpers.http_sink

register_event_type("test.console", "A test-only event for the console")


def make_subscription(user, url, **extra):
    fields = {"name": "Shop ERP", "url": url, "event_types": ["test.console"], "allow_private_network": True}
    fields.update(extra)
    return webhooks.webhook_subscription_create(acting_user=user, **fields)


def test_list_renders_with_bounded_queries(
    admin_client, admin_user, http_sink, django_assert_max_num_queries
):
    for n in range(5):
        make_subscription(admin_user, http_sink.url, name=f"Hook {n}")

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("console:webhook_list"))

    assert response.status_code == 200
    assert b"Hook 0" in response.content and b"Hook 4" in response.content


def test_agent_cannot_open_webhooks(console_client):
    assert console_client.get(reverse("console:webhook_list")).status_code == 403
    assert console_client.post(reverse("console:webhook_create"), {"name": "x"}).status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_create_with_event_checkboxes(admin_client, http_sink):
    form = admin_client.get(reverse("console:webhook_create"))
    assert form.status_code == 200
    assert b'value="test.console"' in form.content

    response = admin_client.post(
        reverse("console:webhook_create"),
        {
            "name": "ERP",
            "url": http_sink.url,
            "event_types": ["test.console"],
            "is_active": "on",
            "allow_private_network": "on",
        },
    )

    subscription = WebhookSubscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:webhook_detail", args=[subscription.pk])
    assert subscription.event_types == ["test.console"]
    assert subscription.allow_private_network is True
    detail = admin_client.get(response["Location"])
    assert detail.status_code == 200
    assert subscription.secret.encode() in detail.content


def test_create_shows_errors(admin_client):
    response = admin_client.post(
        reverse("console:webhook_create"), {"name": "ERP", "url": "http://10.0.0.8/x", "event_types": ["*"]}
    )
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert b'value="http://10.0.0.8/x"' in response.content  # what was typed is kept
    assert not WebhookSubscription.objects.exists()


def test_edit(admin_client, admin_user, http_sink):
    subscription = make_subscription(admin_user, http_sink.url)
    url = reverse("console:webhook_edit", args=[subscription.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url, {"name": "Renamed", "url": http_sink.url, "event_types": ["*"], "allow_private_network": "on"}
    )

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.name == "Renamed"
    assert subscription.event_types == ["*"]
    assert subscription.is_active is False  # box left unticked


def test_detail_log_test_send_rotate_redeliver_delete(
    admin_client, admin_user, http_sink, drain_outbox, django_assert_max_num_queries
):
    subscription = make_subscription(admin_user, http_sink.url)
    for n in range(30):
        emit("test.console", payload={"n": n})
    drain_outbox()
    webhooks.deliver_due()
    detail_url = reverse("console:webhook_detail", args=[subscription.pk])

    with django_assert_max_num_queries(12):
        page = admin_client.get(detail_url)
    assert page.status_code == 200
    assert page.content.count(b"badge ok") >= 25
    assert b"cursor=" in page.content  # 30 deliveries, 25 per page
    assert admin_client.get(detail_url, {"status": "failed"}).status_code == 200
    assert admin_client.get(detail_url, {"cursor": "bad"}).status_code == 302

    test = admin_client.post(reverse("console:webhook_test", args=[subscription.pk]), follow=True)
    assert test.status_code == 200
    assert b"HTTP 200" in test.content
    assert http_sink.requests[-1].headers["X-Postventa-Event"] == "webhook.test"

    old_secret = subscription.secret
    admin_client.post(reverse("console:webhook_rotate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.secret != old_secret

    delivery = WebhookDelivery.objects.filter(subscription=subscription).first()
    response = admin_client.post(reverse("console:webhook_redeliver", args=[subscription.pk, delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"

    assert admin_client.get(reverse("console:webhook_rotate", args=[subscription.pk])).status_code == 405
    admin_client.post(reverse("console:webhook_delete", args=[subscription.pk]))
    assert not WebhookSubscription.objects.exists()
    assert AuditEntry.objects.filter(action="webhook.deleted").count() == 1
    assert admin_client.get(detail_url).status_code == 404
