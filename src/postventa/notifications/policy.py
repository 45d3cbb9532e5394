"""When a customer may be contacted: consent, quiet hours and frequency caps.

The CRM (postventa.customers) owns consent and preferences. When it provides
`consent_allows(customer, channel, purpose)` or `preferences_quiet_until(customer, now)` in its
selectors or services, we delegate to it, so the rule lives in one place; until then the same
rule is applied here from the customer's fields.
"""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo
from collections.abc import Callable

from django.conf import settings

from postventa.notifications.models import Notification

CAPPED_PURPOSES = (Notification.Purpose.MARKETING, Notification.Purpose.SURVEYS)
# Statuses that count against a frequency cap: what reached, or is about to reach, the customer.
CAP_COUNTED = (Notification.Status.SENT, Notification.Status.QUEUED, Notification.Status.DEFERRED)


def _crm_hook(name: str) -> Callable | None:
    for module_name in ("postventa.customers.selectors", "postventa.customers.services"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def consent_allows(customer, channel: str, purpose: str) -> bool:
    """Transactional messages unless withdrawn; marketing and surveys only with a recorded grant."""
    fn = _crm_hook("consent_allows")
    if fn is not None:
        return bool(fn(customer, channel, purpose))
    status = None
    consents = getattr(customer, "consents", None)
    if consents is not None:
        row = consents.filter(channel=channel, purpose=purpose).only("status").first()
        status = row.status if row else None
    if purpose == Notification.Purpose.TRANSACTIONAL:
        return status != "withdrawn"
    return status == "granted"


def quiet_until(customer, now: dt.datetime) -> dt.datetime | None:
    """The end of the customer's quiet hours if `now` falls inside them, else None."""
    fn = _crm_hook("preferences_quiet_until")
    if fn is not None:
        return fn(customer, now)
    start, end = getattr(customer, "quiet_start", None), getattr(customer, "quiet_end", None)
    if start is None or end is None or start == end:
        return None
    try:
        tz = zoneinfo.ZoneInfo(customer.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    t = local.time()
    if start < end:  # same-day window, e.g. 14:00-16:00
        inside, end_day = start <= t < end, local.date()
    else:  # overnight window, e.g. 21:00-09:00
        inside = t >= start or t < end
        end_day = local.date() + dt.timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(end_day, end, tzinfo=tz).astimezone(dt.UTC)


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
