"""When a customer may be contacted: consent, quiet hours and frequency caps.

The CRM (postventa.customers) owns consent and quiet-hour preferences; we delegate to it so each
rule lives in one place. The frequency cap is ours: it counts the notifications we sent.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from postventa.customers.preferences import preferences_quiet_until as crm_quiet_until
from postventa.customers.selectors import consent_allows as crm_consent_allows
from postventa.notifications.models import Notification

CAPPED_PURPOSES = (Notification.Purpose.MARKETING, Notification.Purpose.SURVEYS)
# Statuses that count against a frequency cap: what reached, or is about to reach, the customer.
CAP_COUNTED = (Notification.Status.SENT, Notification.Status.QUEUED, Notification.Status.DEFERRED)


def consent_allows(customer, channel: str, purpose: str) -> bool:
    """Transactional messages unless withdrawn; marketing and surveys only with a recorded grant."""
    return bool(crm_consent_allows(customer, channel, purpose))


def quiet_until(customer, now: dt.datetime) -> dt.datetime | None:
    """The end of the customer's quiet hours if `now` falls inside them, else None."""
    return crm_quiet_until(customer, now)


def weekly_cap(customer) -> int:
    own = getattr(customer, "max_messages_per_week", None)
    if own is not None:
        return int(own)
    return int(getattr(settings, "NOTIFICATIONS_MAX_PER_WEEK", 3))


def over_cap(customer, purpose: str, now: dt.datetime) -> bool:
    """True when a marketing or survey message would exceed the weekly cap (transactional never)."""
    if purpose not in CAPPED_PURPOSES:
        return False
    sent = Notification.objects.filter(
        customer=customer,
        purpose__in=CAPPED_PURPOSES,
        status__in=CAP_COUNTED,
        created_at__gt=now - dt.timedelta(days=7),
    ).count()
    return sent >= weekly_cap(customer)
