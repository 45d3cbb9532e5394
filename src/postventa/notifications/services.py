"""Sending notifications to customers: the one place that decides whether, when and how.

    notify_customer(customer=c, template="generic", context={...}, idempotency_key="order:12:shipped")

Order of work, which is what makes it safe to retry after a crash: (1) the row is written with
its final content and decision (queued, deferred, suppressed); (2) the message is sent; (3) the
row is marked sent. A second call with the same key finds the row and never sends again once it
is sent; if the send failed, the second call is the retry.

Called outside a transaction (a task, or an outbox receiver marked `outbox.non_atomic`), step 1
commits before the send, and a failed send is recorded and then raised as NotificationNotSent so
the caller's retry machinery runs. Called inside a transaction, the send still happens at once
but failures are only recorded (the periodic sweep retries them): an email problem must never
roll back the caller's business change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed
from postventa.core.outbox import backoff
from postventa.customers.timeline import timeline_record
from postventa.notifications import policy, rendering
from postventa.notifications.models import Notification

log = logging.getLogger(__name__)

LOCK_SECONDS = 300
RETRYABLE = (Notification.Status.QUEUED, Notification.Status.FAILED, Notification.Status.DEFERRED)


class NotificationNotSent(Exception):
    """A send attempt failed; the row records it. Raised so an outbox receiver is retried."""


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5))


def message_id_for(idempotency_key: str) -> str:
    """A stable Message-ID: the same key always yields the same id, so receivers can de-duplicate."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    from_address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = from_address.rsplit("@", 1)[-1] if "@" in from_address else "postventa.local"
    return f"<pv.{digest}@{domain}>"


def _in_transaction() -> bool:
    # Atomic blocks opened by the test runner do not count: they stand in for autocommit.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):
        return str(related[0])[:80], str(related[1])[:64]
    return related._meta.label_lower, str(related.pk)


def _decide(customer, *, channel: str, purpose: str, to_address: str, now: dt.datetime):
    """(status, scheduled_for, reason) for a new notification."""
    if getattr(customer, "erased_at", None) is not None:
        return Notification.Status.SUPPRESSED, None, _("The customer's data was erased.")
    if not to_address:
        return Notification.Status.SUPPRESSED, None, _("The customer has no address for this channel.")
    if not policy.consent_allows(customer, channel, purpose):
        return (
            Notification.Status.SUPPRESSED,
            None,
            _("The customer has not consented to this kind of message."),
        )
    if policy.over_cap(customer, purpose, now):
        return (
            Notification.Status.SUPPRESSED,
            None,
            _("The weekly message limit for this customer was reached."),
        )
    until = policy.quiet_until(customer, now)
    if until is not None and until > now:
        return Notification.Status.DEFERRED, until, ""
    return Notification.Status.QUEUED, now, ""


def notify_customer(
    *,
    customer,
    template: str,
    context: dict[str, Any],
    idempotency_key: str,
    purpose: str = "transactional",
    channel: str = "email",
    related=None,
    now: dt.datetime | None = None,
) -> Notification:
    """Render, check and send one message to `customer`; at most once per `idempotency_key`."""
    now = now or timezone.now()
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise ValidationFailed(_("A notification needs an idempotency key of 1 to 200 characters."))
    if purpose not in Notification.Purpose.values:
        raise ValidationFailed(_("Unknown notification purpose %(purpose)s.") % {"purpose": purpose})
    if channel != Notification.Channel.EMAIL:
        raise ValidationFailed(_("Only email notifications can be sent for now."))

    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing is None:
        language = rendering.language_for(customer)
        content = rendering.render(template, context, language=language, customer=customer)
        to_address = (customer.email or "").strip()
        status, scheduled_for, reason = _decide(
            customer, channel=channel, purpose=purpose, to_address=to_address, now=now
        )
        related_type, related_id = _related(related)
        try:
            with transaction.atomic():
                existing = Notification.objects.create(
                    customer=customer,
                    channel=channel,
                    purpose=purpose,
                    template=template,
                    language=language,
                    to_address=to_address,
                    subject=content.subject,
                    body_text=content.text,
                    body_html=content.html,
                    status=status,
                    idempotency_key=key,
                    message_id=message_id_for(key),
                    last_error=reason,
                    scheduled_for=scheduled_for,
                    related_type=related_type,
                    related_id=related_id,
                    created_at=now,
                )
        except IntegrityError:  # a concurrent call with the same key won the insert
            existing = Notification.objects.get(idempotency_key=key)
    if existing.status in (Notification.Status.QUEUED, Notification.Status.FAILED):
        return send(existing, now=now, raise_on_failure=not _in_transaction())
    return existing


def _claim(notification: Notification, now: dt.datetime) -> bool:
    return (
        Notification.objects.filter(pk=notification.pk, status__in=RETRYABLE, attempts__lt=max_attempts())
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + dt.timedelta(seconds=LOCK_SECONDS))
        == 1
    )


def _email(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
        headers={
            "Message-ID": notification.message_id,
            # RFC 3834: stops auto-replies (out of office) from answering a machine.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-Postventa-Notification": notification.template,
        },
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    return message


def send(
    notification: Notification, *, now: dt.datetime | None = None, raise_on_failure: bool = False
) -> Notification:
    """Send a queued, deferred or failed notification once; record the outcome on the row."""
    now = now or timezone.now()
    if not _claim(notification, now):
        notification.refresh_from_db()
        return notification
    notification.refresh_from_db()
    error = ""
    try:
        _email(notification).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP raises many types; every one is a failed attempt
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("notification %s failed: %s", notification.pk, error)
    notification.attempts += 1
    notification.locked_until = None
    if not error:
        notification.status = Notification.Status.SENT
        notification.sent_at = now
        notification.last_error = ""
    else:
        notification.status = Notification.Status.FAILED
        notification.last_error = error
        notification.scheduled_for = now + backoff(notification.attempts)
    with transaction.atomic():
        notification.save(
            update_fields=[
                "attempts",
                "locked_until",
                "status",
                "sent_at",
                "last_error",
                "scheduled_for",
                "updated_at",
            ]
        )
        final = bool(error) and notification.attempts >= max_attempts()
        if not error or notification.attempts == 1 or final:
            _timeline(notification, now, final=final)
    if error and raise_on_failure and notification.attempts < max_attempts():
        raise NotificationNotSent(error)
    return notification


def _timeline(notification: Notification, now: dt.datetime, *, final: bool) -> None:
    sent = notification.status == Notification.Status.SENT
    timeline_record(
        customer_id=notification.customer_id,
        kind="notification.sent" if sent else "notification.failed",
        summary=notification.subject,
        data={
            "notification_id": notification.pk,
            "subject": notification.subject,
            "channel": notification.channel,
            "template": notification.template,
            "to": notification.to_address,
            "status": notification.status,
            "attempts": notification.attempts,
            "will_retry": not sent and not final,
            "error": notification.last_error[:300],
        },
        source=("notifications.notification", notification.pk),
        occurred_at=now,
    )


def send_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send deferred notifications whose quiet hours are over and retry failed ones whose time has come.

    Queued rows older than the send lock are picked up too: a worker that died mid-send left them.
    Returns how many were attempted.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=LOCK_SECONDS)
    due = list(
        Notification.objects.filter(scheduled_for__lte=now, attempts__lt=max_attempts())
        .filter(
            Q(status__in=[Notification.Status.DEFERRED, Notification.Status.FAILED])
            | Q(status=Notification.Status.QUEUED, created_at__lt=stale)
        )
        .select_related("customer")
        .order_by("scheduled_for", "id")[:limit]
    )
    attempted = 0
    for notification in due:
        if notification.status == Notification.Status.DEFERRED and not policy.consent_allows(
            notification.customer, notification.channel, notification.purpose
        ):
            # Consent was withdrawn while the message waited for the quiet hours to end.
            Notification.objects.filter(pk=notification.pk, status=Notification.Status.DEFERRED).update(
                status=Notification.Status.SUPPRESSED,
                last_error=_("The customer has not consented to this kind of message."),
            )
            continue
        before = notification.attempts
        result = send(notification, now=now)
        attempted += int(result.attempts > before)
    return attempted
