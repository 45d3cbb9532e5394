"""Outbound webhooks through a real HTTP server: fan-out, signing, retries, refusal, services."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import core_helpers
import pytest
from django.utils import timezone

from postventa.core import webhooks
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.events import emit, register_event_type
from postventa.core.models import AuditEntry, OutboxEvent, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db
http_sink = core_helpers.http_sink  # the fixture, shared with the other webhook tests

register_event_type("test.ping", "A test-only event")
register_event_type("test.other", "Another test-only event")


def subscribe(user, url, *, events=("test.ping",), allow_private=True, **extra) -> WebhookSubscription:
    return webhooks.webhook_subscription_create(
        acting_user=user,
        name="Shop ERP",
        url=url,
        event_types=list(events),
        allow_private_network=allow_private,
        **extra,
    )


def test_event_is_delivered_signed_to_a_real_endpoint(admin_user, http_sink, drain_outbox):
    # given
    subscription = subscribe(admin_user, http_sink.url)
    event = emit("test.ping", payload={"order": "1001", "total": "19.90"}, customer_id=7)

    # when
    drain_outbox()
    attempted = webhooks.deliver_due()

    # then
    assert attempted == 1
    [request] = http_sink.requests
    assert request.path == "/hooks/postventa?src=test"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["X-Postventa-Event"] == "test.ping"
    assert request.headers["X-Postventa-Delivery"] == str(delivery.pk)
    assert request.headers["Content-Type"] == "application/json"
    expected = hmac.new(subscription.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Postventa-Signature"] == f"sha256={expected}"
    assert abs(int(request.headers["X-Postventa-Timestamp"]) - timezone.now().timestamp()) < 60
    document = request.json()
    assert document["id"] == str(event.id)
    assert document["type"] == "test.ping"
    assert document["data"] == {"order": "1001", "total": "19.90"}
    assert dt.datetime.fromisoformat(document["occurred_at"].replace("Z", "+00:00")) == event.occurred_at
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.response_status == 200
    assert delivery.response_body == '{"ok": true}'
    assert delivery.attempts == 1
    assert webhooks.deliver_due() == 0  # nothing left


def test_only_active_subscriptions_that_want_the_type_get_a_delivery(admin_user, http_sink, drain_outbox):
    wants = subscribe(admin_user, http_sink.url, events=("test.ping",))
    everything = subscribe(admin_user, http_sink.url, events=("*",))
    subscribe(admin_user, http_sink.url, events=("test.other",))
    subscribe(admin_user, http_sink.url, events=("*",), is_active=False)

    emit("test.ping", payload={})
    drain_outbox()

    assert set(WebhookDelivery.objects.values_list("subscription_id", flat=True)) == {wants.pk, everything.pk}


def test_delivery_created_once_per_event_and_subscription(admin_user, http_sink, drain_outbox):
    from postventa.core.events import Event

    subscribe(admin_user, http_sink.url)
    row = emit("test.ping", payload={})
    drain_outbox()

    # a retried receiver (crash after commit, redelivery of the event) creates nothing new
    assert webhooks.fan_out(Event.from_row(row)) == 0
    OutboxEvent.objects.filter(pk=row.pk).update(status="pending", done_receivers=[])
    drain_outbox()

    assert WebhookDelivery.objects.count() == 1


def test_server_error_is_retried_with_backoff_then_fails(admin_user, http_sink, drain_outbox, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    http_sink.status = 500
    subscribe(admin_user, http_sink.url)
    emit("test.ping", payload={})
    drain_outbox()
    t0 = timezone.now()

    assert webhooks.deliver_due(now=t0) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    assert delivery.next_attempt_at == t0 + dt.timedelta(seconds=30)
    assert "500" in delivery.last_error

    assert webhooks.deliver_due(now=t0 + dt.timedelta(seconds=29)) == 0  # not due yet
    assert webhooks.deliver_due(now=t0 + dt.timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == t0 + dt.timedelta(seconds=30 + 60)

    assert webhooks.deliver_due(now=t0 + dt.timedelta(seconds=90)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert len(http_sink.requests) == 3
    assert webhooks.deliver_due(now=t0 + dt.timedelta(days=1)) == 0


def test_recovers_after_a_failed_attempt(admin_user, http_sink, drain_outbox):
    http_sink.status = [503, 204]
    subscribe(admin_user, http_sink.url)
    emit("test.ping", payload={})
    drain_outbox()
    t0 = timezone.now()

    webhooks.deliver_due(now=t0)
    webhooks.deliver_due(now=t0 + dt.timedelta(minutes=1))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.response_status == 204
    assert delivery.attempts == 2
    assert delivery.last_error == ""


def test_unreachable_endpoint_is_retried(admin_user, drain_outbox):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscribe(admin_user, f"http://127.0.0.1:{port}/")
    emit("test.ping", payload={})
    drain_outbox()

    webhooks.deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "ConnectionRefused" in delivery.last_error


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "192.168.1.10"]
)
def test_private_targets_are_refused_at_delivery_without_the_allowance(
    admin_user, drain_outbox, host, settings
):
    # given a subscription that was allowed at creation, then lost the allowance in the database
    subscription = subscribe(admin_user, f"http://{host}:8080/hook")
    WebhookSubscription.objects.filter(pk=subscription.pk).update(allow_private_network=False)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    emit("test.ping", payload={})
    drain_outbox()

    webhooks.deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.REFUSED
    assert delivery.attempts == 1
    assert delivery.response_status is None
    assert "address" in delivery.last_error or "dirección" in delivery.last_error


def test_global_setting_allows_private_targets(admin_user, http_sink, drain_outbox, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    subscribe(admin_user, http_sink.url, allow_private=False)
    emit("test.ping", payload={})
    drain_outbox()

    webhooks.deliver_due()

    assert WebhookDelivery.objects.get().status == "delivered"


def test_create_validates_url_and_private_network(admin_user, supervisor):
    with pytest.raises(ValidationFailed):
        subscribe(admin_user, "ftp://example.com/x", allow_private=False)
    with pytest.raises(ValidationFailed):
        subscribe(admin_user, "http:///nohost", allow_private=False)
    with pytest.raises(ValidationFailed) as refused:
        subscribe(admin_user, "http://10.0.0.5/hook", allow_private=False)
    assert refused.value.code == "private_url"
    with pytest.raises(ValidationFailed):
        subscribe(admin_user, "https://93.184.215.14/hook", events=("no.such.event",), allow_private=False)
    with pytest.raises(PermissionDenied):
        subscribe(supervisor, "https://93.184.215.14/hook", allow_private=False)
    assert WebhookSubscription.objects.count() == 0

    created = subscribe(admin_user, "https://93.184.215.14/hook", allow_private=False)
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    assert AuditEntry.objects.filter(action="webhook.created", target_id=str(created.pk)).exists()


def test_update_rotate_delete_are_audited(admin_user, http_sink):
    subscription = subscribe(admin_user, http_sink.url)
    old_secret = subscription.secret

    updated = webhooks.webhook_subscription_update(
        acting_user=admin_user,
        subscription_id=subscription.pk,
        name="ERP",
        event_types=["*"],
        is_active=False,
    )
    rotated = webhooks.webhook_subscription_rotate_secret(
        acting_user=admin_user, subscription_id=subscription.pk
    )
    webhooks.webhook_subscription_delete(acting_user=admin_user, subscription_id=subscription.pk)

    assert updated.name == "ERP" and updated.event_types == ["*"] and updated.is_active is False
    assert rotated.secret != old_secret
    actions = list(AuditEntry.objects.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.deleted"]
    change = AuditEntry.objects.get(action="webhook.updated").changes
    assert change["name"] == ["Shop ERP", "ERP"]
    assert not WebhookSubscription.objects.exists()


def test_test_send_posts_one_signed_test_event(admin_user, http_sink):
    subscription = subscribe(admin_user, http_sink.url)

    delivery = webhooks.webhook_subscription_test_send(
        acting_user=admin_user, subscription_id=subscription.pk
    )

    assert delivery.status == "delivered"
    [request] = http_sink.requests
    assert request.headers["X-Postventa-Event"] == "webhook.test"
    assert json.loads(request.body)["data"]["subscription_id"] == subscription.pk
    assert OutboxEvent.objects.get(type="webhook.test").status == "done"  # never fanned out


def test_failed_test_send_is_not_retried(admin_user, http_sink):
    http_sink.status = 500
    subscription = subscribe(admin_user, http_sink.url)

    delivery = webhooks.webhook_subscription_test_send(
        acting_user=admin_user, subscription_id=subscription.pk
    )

    assert delivery.status == "failed"
    assert delivery.attempts == 1


def test_redeliver_sends_again(admin_user, http_sink, drain_outbox):
    subscription = subscribe(admin_user, http_sink.url)
    emit("test.ping", payload={})
    drain_outbox()
    webhooks.deliver_due()
    delivery = WebhookDelivery.objects.get()

    again = webhooks.webhook_delivery_redeliver(
        acting_user=admin_user, delivery_id=delivery.pk, subscription_id=subscription.pk
    )
    assert again.status == "pending" and again.attempts == 0
    webhooks.deliver_due()

    assert len(http_sink.requests) == 2
    assert http_sink.requests[0].body == http_sink.requests[1].body
    assert WebhookDelivery.objects.get().status == "delivered"


def test_https_goes_through_tls_to_the_pinned_address(admin_user, http_sink, drain_outbox):
    # the sink speaks plain HTTP, so the TLS handshake must fail: proof that https means TLS
    subscribe(admin_user, http_sink.url.replace("http://", "https://"))
    emit("test.ping", payload={})
    drain_outbox()

    webhooks.deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert "SSL" in delivery.last_error
    assert http_sink.requests == []
