"""Returns and refunds: reads shaped for the console, the portal and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from postventa.aftercare.returns.models import (
    CLOSED_STATUSES,
    Refund,
    Resolution,
    ReturnReason,
    ReturnRequest,
    StoreCreditEntry,
)


def overdue_q(now: dt.datetime) -> Q:
    """Returns whose refund deadline has passed while a refund or credit is still owed."""
    return (
        Q(refund_due_by__lt=now)
        & ~Q(status__in=CLOSED_STATUSES)
        & Q(resolution__in=[Resolution.REFUND, Resolution.STORE_CREDIT])
    )


def return_list(
    *,
    status: str = "",
    reason: str = "",
    overdue: bool = False,
    customer_id: int | None = None,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[ReturnRequest]:
    qs = ReturnRequest.objects.select_related("customer", "order", "reason")
    if status == "open":
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if reason:
        qs = qs.filter(reason__code=reason)
    if overdue:
        qs = qs.filter(overdue_q(now or timezone.now()))
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(order__number__iexact=q) | Q(customer__email__iexact=q))
    return qs


def return_detail(return_id: int) -> ReturnRequest | None:
    return (
        ReturnRequest.objects.select_related("customer", "order", "reason", "exchange_order", "created_by")
        .prefetch_related("lines__order_line__product", "photos", "history__actor")
        .filter(pk=return_id)
        .first()
    )


def return_by_number(number: str, *, customer_id: int | None = None) -> ReturnRequest | None:
    qs = (
        ReturnRequest.objects.select_related("customer", "order", "reason", "exchange_order")
        .prefetch_related("lines__order_line", "photos", "history")
        .filter(number=(number or "").strip()[:20])
    )
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.first()


def returns_of_customer(customer_id: int, *, limit: int = 50) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.select_related("order", "reason")
        .filter(customer_id=customer_id)
        .order_by("-requested_at", "-id")[:limit]
    )


def returns_of_order(order_id: int) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.select_related("reason").filter(order_id=order_id).order_by("-requested_at")
    )


def refunds_of_return(request: ReturnRequest) -> list[Refund]:
    return list(
        Refund.objects.select_related("created_by")
        .filter(source_type="return", source_id=request.pk)
        .order_by("refunded_at", "id")
    )


def refund_list(
    *, customer_id: int | None = None, method: str = "", source_type: str = ""
) -> QuerySet[Refund]:
    qs = Refund.objects.select_related("customer", "order", "created_by")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if method:
        qs = qs.filter(method=method)
    if source_type:
        qs = qs.filter(source_type=source_type)
    return qs


def store_credit_entries(customer_id: int, *, limit: int = 20) -> list[StoreCreditEntry]:
    return list(
        StoreCreditEntry.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")[:limit]
    )


def reasons(*, active_only: bool = True) -> list[ReturnReason]:
    qs = ReturnReason.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("position", "id"))
