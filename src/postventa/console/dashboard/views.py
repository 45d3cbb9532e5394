"""The console's landing page: real counts of what needs attention."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from postventa.console.mixins import render_page, staff_required
from postventa.core.models import OutboxEvent, WebhookDelivery
from postventa.core.permissions import can
from postventa.customers.models import Customer
from postventa.orders import pipeline
from postventa.orders.models import Order

# Whole-table counts cost 40-140 ms at a million orders (bench/): a minute-old figure is fine for a
# dashboard, and every agent opens it first.
COUNTS_TTL_SECONDS = 60


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, COUNTS_TTL_SECONDS)
    return value


def _status_counts() -> dict[str, int]:
    return dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())


def _orders_by_status() -> list[dict]:
    counts = _cached("dashboard:orders_by_status", _status_counts)
    total = sum(counts.values()) or 1
    return [
        {"code": code, "label": status.label, "tone": status.tone, "count": counts.get(code, 0),
         "percent": round(100 * counts.get(code, 0) / total, 1)}
        for code, status in pipeline.STATUSES.items()
    ]


@staff_required()
def dashboard(request):
    now = timezone.now()
    week_ago = now - dt.timedelta(days=7)
    context = {
        "nav": "dashboard",
        "customer_count": _cached(
            "dashboard:customer_count",
            lambda: Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True).count(),
        ),
        "new_customers_week": Customer.objects.filter(created_at__gte=week_ago).count(),
        "orders_week": Order.objects.filter(placed_at__gte=week_ago).count(),
        "orders_by_status": _orders_by_status(),
        "needs_attention": Order.objects.filter(status=pipeline.DELIVERY_FAILED).count(),
        "recent_orders": Order.objects.select_related("customer").order_by("-placed_at", "-id")[:8],
        "show_system": can(request.user, "webhooks.manage"),
    }
    if context["show_system"]:
        context["outbox_failed"] = OutboxEvent.objects.filter(status=OutboxEvent.Status.FAILED).count()
        context["outbox_pending"] = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).count()
        context["webhooks_failed"] = WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.FAILED, WebhookDelivery.Status.REFUSED]
        ).count()
    return render_page(request, "console/dashboard/dashboard.html", context)
