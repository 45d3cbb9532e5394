"""What orders plugs into other apps' registries (called from OrdersConfig.ready())."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.orders import pipeline


def render_created(entry) -> str:
    return _("Order %(number)s placed") % {"number": entry.data["number"]}


def render_status(entry) -> str:
    return _("Order %(number)s: %(from)s → %(to)s") % {
        "number": entry.data["number"],
        "from": pipeline.label(entry.data["from"]) if entry.data.get("from") else "—",
        "to": pipeline.label(entry.data["to"]),
    }


def bought_category(qs, params: dict[str, Any]):
    from postventa.customers.segments import int_param, text_param
    from postventa.orders.models import OrderLine

    category = text_param(params, "category")
    months = (
        int_param(params, "months", minimum=1, maximum=600)
        if params.get("months") not in (None, "")
        else None
    )
    lines = OrderLine.objects.filter(product__category__slug=category)
    if months:
        lines = lines.filter(order__placed_at__gte=timezone.now() - dt.timedelta(days=30 * months))
    return qs.filter(pk__in=lines.values("order__customer_id"))


def no_order_in_days(qs, params: dict[str, Any]):
    from postventa.customers.segments import int_param
    from postventa.orders.models import Order

    days = int_param(params, "days", minimum=1, maximum=36500)
    since = timezone.now() - dt.timedelta(days=days)
    return qs.exclude(pk__in=Order.objects.filter(placed_at__gte=since).values("customer_id"))


def orders_panel(customer, user) -> dict[str, Any] | None:
    from postventa.core.permissions import can
    from postventa.orders.selectors import orders_of_customer

    if not can(user, "orders.view"):
        return None
    return {"orders": orders_of_customer(customer.pk, limit=10)}


def assets_panel(customer, user) -> dict[str, Any] | None:
    from postventa.catalog.selectors import assets_of_customer
    from postventa.core.permissions import can

    if not can(user, "catalog.view"):
        return None
    return {"assets": assets_of_customer(customer.pk)}


def register_all() -> None:
    from postventa.core.events import register_event_type
    from postventa.customers.timeline import register_kind
    from postventa.orders import gdpr

    register_event_type("order.created", gettext_lazy("An order was created"))
    register_event_type("order.updated", gettext_lazy("An order was updated (import or API)"))
    register_event_type("order.status_changed", gettext_lazy("An order changed status"))
    register_event_type(
        "shipment.updated", gettext_lazy("A shipment was created or the carrier reported progress")
    )
    register_kind("order.created", render_created, icon="order")
    register_kind("order.status_changed", render_status, icon="order")
    gdpr.register()
    try:
        from postventa.customers.merge import register_merge_mover
    except ImportError:  # pragma: no cover - CRM without merge
        pass
    else:
        from postventa.orders.services import move_orders

        register_merge_mover("orders", move_orders)
    try:
        from postventa.customers.segments import register_condition
    except ImportError:  # pragma: no cover
        pass
    else:
        register_condition(
            "orders.bought_category",
            gettext_lazy("Bought a product of category"),
            bought_category,
            params={"category": "text", "months": "number"},
        )
        register_condition(
            "orders.no_order_in_days",
            gettext_lazy("No order in the last N days"),
            no_order_in_days,
            params={"days": "number"},
        )
    try:
        from postventa.customers.panels import register_panel
    except ImportError:  # pragma: no cover
        pass
    else:
        register_panel(
            "orders", gettext_lazy("Orders"), "console/orders/_customer_panel.html", orders_panel, order=10
        )
        register_panel(
            "assets",
            gettext_lazy("Owned products"),
            "console/catalog/_customer_panel.html",
            assets_panel,
            order=20,
        )
