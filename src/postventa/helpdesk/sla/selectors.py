"""Reads of SLA state for screens, analytics and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from postventa.helpdesk.sla.models import Metric, TicketSla

RUNNING_STATUSES = ("new", "open")  # pending, on hold and solved tickets have their clocks stopped


def overdue_q(now: dt.datetime) -> Q:
    """Tickets with a running SLA clock past its due time (for inbox filters; uses ticket columns)."""
    return Q(status__in=RUNNING_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due_at__lte=now)
        | Q(next_response_due_at__lte=now)
        | Q(resolution_due_at__lte=now)
    )


def due_soon_q(now: dt.datetime, within: dt.timedelta = dt.timedelta(hours=1)) -> Q:
    """Tickets whose next running SLA target falls within `within` from now (not yet overdue)."""
    soon = now + within
    return (
        Q(status__in=RUNNING_STATUSES)
        & (
            Q(first_response_at__isnull=True, first_response_due_at__gt=now, first_response_due_at__lte=soon)
            | Q(next_response_due_at__gt=now, next_response_due_at__lte=soon)
            | Q(resolution_due_at__gt=now, resolution_due_at__lte=soon)
        )
        & ~overdue_q(now)
    )


def clocks_for(ticket) -> list[TicketSla]:
    """The ticket's clocks in metric order (first response, next response, resolution): one query."""
    order = {m.value: i for i, m in enumerate(Metric)}
    rows = list(TicketSla.objects.filter(ticket_id=ticket.pk).select_related("policy"))
    return sorted(rows, key=lambda r: order.get(r.metric, 9))


def outcomes(ticket_ids: Iterable[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """ticket id -> metric -> {due_at, achieved_at, breached_at, paused_seconds, breaches}."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for row in TicketSla.objects.filter(ticket_id__in=list(ticket_ids)).order_by("ticket_id", "metric"):
        out.setdefault(row.ticket_id, {})[row.metric] = {
            "due_at": row.due_at,
            "achieved_at": row.achieved_at,
            "breached_at": row.breached_at,
            "paused_seconds": row.paused_seconds,
            "breaches": row.breach_count,
        }
    return out


def achievement(*, since: dt.datetime, until: dt.datetime) -> QuerySet:
    """Per metric: clocks started in [since, until), how many achieved in time and how many breached."""
    return (
        TicketSla.objects.filter(started_at__gte=since, started_at__lt=until)
        .values("metric")
        .annotate(
            total=Count("pk"),
            achieved_in_time=Count("pk", filter=Q(achieved_at__isnull=False, breached_at__isnull=True)),
            breached=Count("pk", filter=Q(breached_at__isnull=False) | Q(breach_count__gt=0)),
        )
        .order_by("metric")
    )
