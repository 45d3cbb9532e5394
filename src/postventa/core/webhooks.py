"""Outbound webhooks: fan-out of outbox events to subscriptions, signed delivery with retries.

Flow: an outbox receiver (core.receivers) creates one WebhookDelivery per event and interested
subscription, in the receiver's transaction, so a delivery exists exactly once per
(subscription, event). The worker then posts due deliveries (`deliver_due`), retrying with the
outbox backoff until a 2xx answer or the attempt limit. Targets pass through core.netguard first.

The webhook services check `webhooks.manage` through core.permissions, like every other service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import socket
import ssl
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit, netguard
from postventa.core.errors import NotFound, PermissionDenied, ValidationFailed
from postventa.core.events import EVENT_TYPES, Event
from postventa.core.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from postventa.core.outbox import backoff
from postventa.core.permissions import can, permissions_of, require

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
RESPONSE_BODY_LIMIT = 2000
# A claimed delivery is hidden from other workers this long; longer than one request can take.
LEASE_SECONDS = 120
TEST_EVENT_TYPE = "webhook.test"
USER_AGENT = "Postventa-Webhooks/1"


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", settings.OUTBOX_MAX_ATTEMPTS))


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, body: bytes) -> str:
    """The X-Postventa-Signature value: `sha256=<hex HMAC-SHA256 of the raw body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def event_body(event: OutboxEvent) -> bytes:
    document = {
        "id": str(event.id),
        "type": event.type,
        # Full precision in UTC (DjangoJSONEncoder would cut to milliseconds).
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True).encode()


# --- fan-out (outbox receiver) -------------------------------------------------------------------


def fan_out(event: Event) -> int:
    """Create a pending delivery for every active subscription that wants `event`. Idempotent."""
    if event.type == TEST_EVENT_TYPE:
        return 0  # test events go only to the subscription they were sent to
    wanted = [s for s in WebhookSubscription.objects.filter(is_active=True) if s.wants(event.type)]
    if not wanted:
        return 0
    existing = set(
        WebhookDelivery.objects.filter(event_id=event.id, subscription__in=wanted).values_list(
            "subscription_id", flat=True
        )
    )
    rows = [WebhookDelivery(subscription=s, event_id=event.id) for s in wanted if s.pk not in existing]
    WebhookDelivery.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(_wake_delivery)
    return len(rows)


def _wake_delivery() -> None:
    from postventa.core import tasks

    tasks.deliver_webhooks()


# --- delivery -------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address netguard approved, while Host stays the URL's host name."""

    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the approved address; SNI and certificate checks use the URL's host name."""

    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool) -> tuple[int, str]:
    """POST `body` to `url` (no redirects followed); returns (status, body text truncated).

    Raises netguard.Refused for a forbidden target, OSError/HTTPException for network failures.
    """
    target = netguard.check_url(url, allow_private=allow_private)
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error: Exception | None = None
    for address in target.addresses:
        conn = cls(target.host, target.port, address, timeout=TIMEOUT_SECONDS)
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read(RESPONSE_BODY_LIMIT * 4).decode("utf-8", "replace")[:RESPONSE_BODY_LIMIT]
            return response.status, text
        except (OSError, http.client.HTTPException) as exc:
            last_error = exc
            if not isinstance(exc, ConnectionRefusedError | socket.timeout):
                break
        finally:
            conn.close()
    assert last_error is not None
    raise last_error


def _headers(delivery: WebhookDelivery, body: bytes, now: dt.datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Postventa-Event": delivery.event.type,
        "X-Postventa-Delivery": str(delivery.pk),
        "X-Postventa-Signature": sign(delivery.subscription.secret, body),
        "X-Postventa-Timestamp": str(int(now.timestamp())),
    }


def _claim(delivery_id: int, seen_next_attempt: dt.datetime, now: dt.datetime) -> bool:
    # Compare-and-set on next_attempt_at acts as a lease: only one worker wins the update.
    return (
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at=seen_next_attempt
        ).update(next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS))
        == 1
    )


def attempt(
    delivery: WebhookDelivery, *, now: dt.datetime | None = None, retry: bool = True
) -> WebhookDelivery:
    """Send one attempt of a claimed delivery and record its outcome on the row.

    A failed attempt is scheduled again with backoff while attempts remain (unless `retry` is off).
    """
    now = now or timezone.now()
    subscription = delivery.subscription
    body = event_body(delivery.event)
    allow_private = bool(settings.WEBHOOKS_ALLOW_PRIVATE or subscription.allow_private_network)
    delivery.attempts += 1
    delivery.response_status = None
    delivery.response_body = ""
    try:
        status, text = post(
            subscription.url, body, _headers(delivery, body, now), allow_private=allow_private
        )
    except netguard.Refused as exc:
        delivery.status = WebhookDelivery.Status.REFUSED
        delivery.last_error = exc.reason
    except (OSError, http.client.HTTPException, ValueError) as exc:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        _schedule_retry(delivery, now, retry)
    else:
        delivery.response_status = status
        delivery.response_body = text
        if 200 <= status < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
        else:
            delivery.last_error = _("The endpoint answered HTTP %(status)s.") % {"status": status}
            _schedule_retry(delivery, now, retry)
    log.info("webhook delivery %s attempt %s: %s", delivery.pk, delivery.attempts, delivery.status)
    delivery.save(
        update_fields=[
            "attempts",
            "status",
            "next_attempt_at",
            "response_status",
            "response_body",
            "last_error",
            "delivered_at",
        ]
    )
    return delivery


def _schedule_retry(delivery: WebhookDelivery, now: dt.datetime, retry: bool) -> None:
    if not retry or delivery.attempts >= max_attempts():
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Deliver every pending webhook whose next attempt is due. Returns the number attempted."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, subscription__is_active=True
        )
        .select_related("subscription", "event")
        .order_by("next_attempt_at", "id")[:limit]
    )
    attempted = 0
    for delivery in due:
        # Paused subscriptions keep their pending deliveries; they go out when it is resumed.
        if not _claim(delivery.pk, delivery.next_attempt_at, now):
            continue
        attempt(delivery, now=now)
        attempted += 1
    return attempted


# --- services -------------------------------------------------------------------------------------


def _require_manage(user) -> None:
    require(user, "webhooks.manage")


def can_manage(user) -> bool:
    return can(user, "webhooks.manage")


def require_read(user) -> None:
    """Reading subscriptions needs the role permission and, for API tokens, a webhooks scope."""
    scopes = getattr(user, "_api_scopes", None)
    if "webhooks.manage" not in permissions_of(user) or (
        scopes is not None and not ({"webhooks:read", "webhooks:write"} & set(scopes))
    ):
        raise PermissionDenied(
            _("You do not have permission to do this."), extra={"permission": "webhooks.manage"}
        )


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") == "admin")


def _clean_event_types(event_types: list[str]) -> list[str]:
    cleaned = sorted({str(t).strip() for t in event_types or [] if str(t).strip()})
    if not cleaned:
        raise ValidationFailed(_("Choose at least one event type."), code="no_event_types")
    if "*" in cleaned:
        return ["*"]
    unknown = [t for t in cleaned if t not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(
            _("Unknown event types: %(types)s") % {"types": ", ".join(unknown)}, code="unknown_event_types"
        )
    return cleaned


def validate_url(url: str, *, allow_private: bool) -> str:
    """Check a subscription URL at save time; raises ValidationFailed with the reason.

    A host that does not resolve yet is accepted (DNS may be set up after the subscription);
    delivery checks again before every attempt.
    """
    url = (url or "").strip()
    if len(url) > 500:
        raise ValidationFailed(_("The URL is too long (500 characters at most)."), code="bad_url")
    try:
        scheme, host, port, _path = netguard.parse_url(url)
    except netguard.Refused as exc:
        raise ValidationFailed(exc.reason, code="bad_url")
    if allow_private or settings.WEBHOOKS_ALLOW_PRIVATE:
        return url
    try:
        addresses = netguard.resolve(host, port)
    except netguard.Refused:
        return url
    for address in addresses:
        problem = netguard.address_problem(address)
        if problem:
            raise ValidationFailed(
                _("This URL points at a private network (%(problem)s) Only an administrator can allow that.")
                % {"problem": problem},
                code="private_url",
            )
    return url


def _get(subscription_id: int, *, lock: bool = False) -> WebhookSubscription:
    qs = WebhookSubscription.objects.all()
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=subscription_id)
    except (WebhookSubscription.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That webhook subscription does not exist."))


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the subscription a name."), code="no_name")
    if len(name) > 120:
        raise ValidationFailed(_("The name is too long (120 characters at most)."), code="bad_name")
    return name


def _check_private_allowance(acting_user, allow_private_network: bool) -> None:
    if allow_private_network and not _is_admin(acting_user):
        raise PermissionDenied(
            _("Only an administrator can allow deliveries to private networks."),
            code="private_network_admin_only",
        )


_AUDITED = ("name", "url", "event_types", "is_active", "allow_private_network")


@transaction.atomic
def webhook_subscription_create(
    *,
    acting_user,
    name: str,
    url: str,
    event_types: list[str],
    is_active: bool = True,
    allow_private_network: bool = False,
) -> WebhookSubscription:
    """Create a subscription with a fresh signing secret (readable on the row, to show once)."""
    _require_manage(acting_user)
    _check_private_allowance(acting_user, allow_private_network)
    subscription = WebhookSubscription.objects.create(
        name=_clean_name(name),
        url=validate_url(url, allow_private=allow_private_network),
        event_types=_clean_event_types(event_types),
        is_active=bool(is_active),
        allow_private_network=bool(allow_private_network),
        secret=new_secret(),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit.record(
        actor=acting_user,
        action="webhook.created",
        target=subscription,
        changes={k: [None, getattr(subscription, k)] for k in _AUDITED},
    )
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *,
    acting_user,
    subscription_id: int,
    name: str | None = None,
    url: str | None = None,
    event_types: list[str] | None = None,
    is_active: bool | None = None,
    allow_private_network: bool | None = None,
) -> WebhookSubscription:
    """Change the given fields (None = keep)."""
    _require_manage(acting_user)
    subscription = _get(subscription_id, lock=True)
    before = audit.snapshot(subscription, _AUDITED)
    if (
        allow_private_network is not None
        and bool(allow_private_network) != subscription.allow_private_network
    ):
        _check_private_allowance(acting_user, bool(allow_private_network))
        subscription.allow_private_network = bool(allow_private_network)
    if name is not None:
        subscription.name = _clean_name(name)
    if url is not None or allow_private_network is not None:
        subscription.url = validate_url(
            subscription.url if url is None else url, allow_private=subscription.allow_private_network
        )
    if event_types is not None:
        subscription.event_types = _clean_event_types(event_types)
    if is_active is not None:
        subscription.is_active = bool(is_active)
    subscription.save()
    changes = audit.diff(before, audit.snapshot(subscription, _AUDITED))
    if changes:
        audit.record(actor=acting_user, action="webhook.updated", target=subscription, changes=changes)
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, acting_user, subscription_id: int) -> None:
    _require_manage(acting_user)
    subscription = _get(subscription_id, lock=True)
    audit.record(actor=acting_user, action="webhook.deleted", target=subscription)
    subscription.delete()


@transaction.atomic
def webhook_subscription_rotate_secret(*, acting_user, subscription_id: int) -> WebhookSubscription:
    """Replace the signing secret; deliveries from now on are signed with the new one."""
    _require_manage(acting_user)
    subscription = _get(subscription_id, lock=True)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    audit.record(actor=acting_user, action="webhook.secret_rotated", target=subscription)
    return subscription


def webhook_subscription_test_send(*, acting_user, subscription_id: int) -> WebhookDelivery:
    """Send a `webhook.test` event to this subscription now and return the attempted delivery.

    The rows commit before the request, so the attempt is logged even if the request hangs; the
    test event is written as already processed, so the outbox never fans it out to others.
    """
    now = timezone.now()
    with transaction.atomic():
        _require_manage(acting_user)
        subscription = _get(subscription_id)
        event = OutboxEvent.objects.create(
            type=TEST_EVENT_TYPE,
            payload={
                "message": "This is a test delivery from Postventa.",
                "subscription_id": subscription.pk,
            },
            actor_id=getattr(acting_user, "pk", None),
            status=OutboxEvent.Status.DONE,
            processed_at=now,
        )
        delivery = WebhookDelivery.objects.create(subscription=subscription, event=event, next_attempt_at=now)
        audit.record(actor=acting_user, action="webhook.test_sent", target=subscription)
    if not _claim(delivery.pk, delivery.next_attempt_at, now):
        return delivery
    delivery = WebhookDelivery.objects.select_related("subscription", "event").get(pk=delivery.pk)
    # A single attempt: a test that fails should say so, not retry quietly in the background.
    return attempt(delivery, now=now, retry=False)


@transaction.atomic
def webhook_delivery_redeliver(
    *, acting_user, delivery_id: int, subscription_id: int | None = None
) -> WebhookDelivery:
    """Queue a delivery again (same event, same delivery id) with a fresh attempt budget."""
    _require_manage(acting_user)
    qs = WebhookDelivery.objects.select_for_update().select_related("subscription", "event")
    if subscription_id is not None:
        qs = qs.filter(subscription_id=subscription_id)
    try:
        delivery = qs.get(pk=delivery_id)
    except (WebhookDelivery.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That delivery does not exist."))
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
    audit.record(
        actor=acting_user,
        action="webhook.redelivered",
        target=delivery.subscription,
        changes={"delivery": [None, delivery.pk]},
    )
    transaction.on_commit(_wake_delivery)
    return delivery


# --- selectors ------------------------------------------------------------------------------------


def subscription_list(*, user) -> Any:
    require_read(user)
    return WebhookSubscription.objects.all()


def subscription_get(*, user, subscription_id: int) -> WebhookSubscription:
    require_read(user)
    return _get(subscription_id)


def delivery_list(*, user, subscription_id: int, status: str | None = None) -> Any:
    require_read(user)
    qs = WebhookDelivery.objects.filter(subscription_id=_get(subscription_id).pk).select_related("event")
    if status:
        if status not in WebhookDelivery.Status.values:
            raise ValidationFailed(_("Unknown delivery status."), code="bad_status")
        qs = qs.filter(status=status)
    return qs


def event_type_list() -> list[tuple[str, str]]:
    return sorted((t, str(d)) for t, d in EVENT_TYPES.items() if t != TEST_EVENT_TYPE)
