"""Asset, product and customer 360 panels, and timeline entries, of maintenance."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core.permissions import can


def _asset_panel(asset, user):
    if not can(user, "maintenance.view"):
        return None
    from postventa.aftercare.maintenance import selectors

    reminders = selectors.label_reminders(
        list(selectors.reminder_list(asset_id=asset.pk).order_by("due_on", "id")[:8])
    )
    return {
        "reminders": reminders,
        "next_reminder": next((r for r in reminders if r.status in ("scheduled", "held")), None),
        "visits": list(selectors.visit_list(asset_id=asset.pk).order_by("-created_at", "-id")[:5]),
        "notices": list(
            selectors.NoticeDelivery.objects.filter(
                notice__product_id=asset.product_id, customer_id=asset.customer_id
            )
            .select_related("notice")
            .order_by("-id")[:5]
        ),  # fmt: skip
    }


def _product_panel(product, user):
    if not can(user, "maintenance.view"):
        return None
    from postventa.aftercare.maintenance import selectors

    plan = selectors.plan_for_product(product.pk)
    if plan is None and not product.maintenance_interval_months:
        return {"plan": None, "owners": 0, "notices": [], "can_manage": can(user, "maintenance.manage")}
    return {
        "plan": plan,
        "owners": product.assets.values("customer_id").distinct().count(),
        "notices": list(selectors.notice_list(product_id=product.pk)[:5]),
        "can_manage": can(user, "maintenance.manage"),
    }


def _customer_panel(customer, user):
    if not can(user, "maintenance.view"):
        return None
    from postventa.aftercare.maintenance import selectors

    reminders = selectors.label_reminders(
        list(selectors.reminder_list(customer_id=customer.pk).order_by("-due_on", "-id")[:6])
    )
    visits = list(selectors.visit_list(customer_id=customer.pk).order_by("-created_at", "-id")[:5])
    notices = selectors.notices_for_customer(customer.pk, limit=5)
    if not (reminders or visits or notices):
        return None
    return {"reminders": reminders, "visits": visits, "notices": notices}


def register() -> None:
    from postventa.catalog.panels import register_asset_panel, register_product_panel
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_asset_panel(
        "maintenance",
        gettext_lazy("Maintenance"),
        "console/maintenance/_asset_panel.html",
        _asset_panel,
        order=40,
    )
    register_product_panel(
        "maintenance", gettext_lazy("Maintenance plan"), "console/maintenance/_product_panel.html",
        _product_panel, order=40,
    )  # fmt: skip
    register_panel(
        "maintenance", gettext_lazy("Maintenance"), "console/maintenance/_customer_panel.html",
        _customer_panel, order=60,
    )  # fmt: skip
    register_kind(
        "service_visit.booked",
        lambda e: _("Booked a maintenance visit for %(date)s") % {"date": e.data.get("date", "")},
        icon="calendar",
    )
    register_kind("service_visit.completed", lambda e: _("Maintenance visit completed"), icon="check")
