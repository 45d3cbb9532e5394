"""Console: maintenance plans per product, reminders, service visits (confirm, complete, cancel)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.maintenance import schedule, selectors, services
from postventa.aftercare.maintenance.models import ReminderKind, ReminderStatus, ServiceVisit
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 50


def _page(request, qs, order_field: str = "id"):
    try:
        return keyset_page(qs, cursor=request.GET.get("cursor") or None, page_size=PAGE_SIZE, order_field=order_field)
    except ApplicationError as exc:
        flash_error(request, exc)
        return keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field=order_field)


def _int(value) -> int | None:
    return selectors._pk(value)


@staff_required("maintenance.view")
def plan_list(request):
    q = request.GET.get("q", "")[:80]
    page = _page(request, selectors.maintained_products(q=q))
    stats = {
        "scheduled": selectors.MaintenanceReminder.objects.filter(status=ReminderStatus.SCHEDULED).count(),
        "held": selectors.MaintenanceReminder.objects.filter(status=ReminderStatus.HELD).count(),
        "open_visits": ServiceVisit.objects.filter(status__in=["requested", "confirmed"]).count(),
    }
    return render_page(request, "console/maintenance/plan_list.html",
                       {"nav": "maintenance", "tab": "plans", "page": page, "filters": {"q": q}, "stats": stats,
                        "can_manage": can(request.user, "maintenance.manage")},
                       partial="console/maintenance/_plan_rows.html")  # fmt: skip


def _product_or_404(product_id):
    from postventa.catalog.models import Product

    product = Product.objects.select_related("category").filter(pk=_int(product_id)).first()
    if product is None:
        raise Http404
    return product


@staff_required("maintenance.view")
def plan_detail(request, product_id: int):
    product = _product_or_404(product_id)
    plan = selectors.plan_for_product(product.pk)
    reminders = selectors.reminder_list(product_id=product.pk)
    context = {
        "nav": "maintenance",
        "product": product,
        "plan": plan,
        "owners": product.assets.values("customer_id").distinct().count(),
        "pending": reminders.filter(status__in=schedule.PENDING).count(),
        "sent": reminders.filter(status=ReminderStatus.SENT).count(),
        "notices": list(selectors.notice_list(product_id=product.pk)[:10]),
        "can_manage": can(request.user, "maintenance.manage"),
        "form": {
            "interval_months": (plan.interval_months if plan else "") or "",
            "lead_days": plan.lead_days if plan else 14,
            "service_es": plan.service_es if plan else "",
            "service_en": plan.service_en if plan else "",
            "is_active": plan.is_active if plan else True,
        },
    }
    return render_page(request, "console/maintenance/plan_detail.html", context)


@staff_required("maintenance.manage")
@require_POST
def plan_save(request, product_id: int):
    product = _product_or_404(product_id)
    p = request.POST
    try:
        services.plan_save(acting_user=request.user, product=product, interval_months=p.get("interval_months", "").strip(),
                           lead_days=p.get("lead_days", "").strip(), service_es=p.get("service_es", ""),
                           service_en=p.get("service_en", ""), is_active=p.get("is_active") == "on")  # fmt: skip
        messages.success(request, _("Plan saved. Reminders are being recomputed."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:maintenance_plan_detail", product_id=product.pk)


@staff_required("maintenance.manage")
@require_POST
def plan_item(request, product_id: int):
    """Add or remove a consumable or a failure point (the form says which)."""
    from postventa.catalog.models import Product

    product = _product_or_404(product_id)
    plan = selectors.plan_for_product(product.pk)
    p = request.POST
    try:
        if plan is None:
            raise ApplicationError(_("Save the plan first."))
        action = p.get("action", "")
        if action == "add_consumable":
            linked = None
            if p.get("sku", "").strip():
                linked = Product.objects.filter(sku=p["sku"].strip()).first()
            services.consumable_add(acting_user=request.user, plan=plan, name_es=p.get("name_es", ""),
                                    name_en=p.get("name_en", ""), period_months=p.get("period_months", ""),
                                    product=linked, sku=p.get("sku", ""))  # fmt: skip
        elif action == "remove_consumable":
            services.consumable_remove(acting_user=request.user, plan=plan, consumable_id=_int(p.get("item_id")) or 0)
        elif action == "add_failure_point":
            services.failure_point_add(acting_user=request.user, plan=plan, component_es=p.get("component_es", ""),
                                       component_en=p.get("component_en", ""), after_months=p.get("after_months", ""),
                                       message_es=p.get("message_es", ""), message_en=p.get("message_en", ""))  # fmt: skip
        elif action == "remove_failure_point":
            services.failure_point_remove(acting_user=request.user, plan=plan,
                                          failure_point_id=_int(p.get("item_id")) or 0)  # fmt: skip
        else:
            raise ApplicationError(_("Unknown action."))
        messages.success(request, _("Plan updated. Reminders are being recomputed."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:maintenance_plan_detail", product_id=product.pk)


@staff_required("maintenance.view")
def reminder_list(request):
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in ReminderStatus.values else ""
    kind = g.get("kind", "") if g.get("kind", "") in ReminderKind.values else ""
    try:
        due_from = parse_date(g.get("from", "")) if g.get("from") else None
        due_to = parse_date(g.get("to", "")) if g.get("to") else None
    except ValueError:
        due_from = due_to = None
    qs = selectors.reminder_list(status=status, kind=kind, product_id=_int(g.get("product")),
                                 customer_id=_int(g.get("customer")), due_from=due_from, due_to=due_to)  # fmt: skip
    page = _page(request, qs)
    selectors.label_reminders(page.items)
    context = {
        "nav": "maintenance", "tab": "reminders", "page": page, "statuses": ReminderStatus.choices,
        "kinds": ReminderKind.choices,
        "filters": {"status": status, "kind": kind, "from": g.get("from", ""), "to": g.get("to", ""),
                    "product": g.get("product", ""), "customer": g.get("customer", "")},
    }  # fmt: skip
    return render_page(request, "console/maintenance/reminder_list.html", context,
                       partial="console/maintenance/_reminder_rows.html")  # fmt: skip


@staff_required("maintenance.view")
def visit_list(request):
    status = request.GET.get("status", "")
    status = status if status in ServiceVisit.Status.values else ""
    page = _page(request, selectors.visit_list(status=status, customer_id=_int(request.GET.get("customer"))))
    return render_page(request, "console/maintenance/visit_list.html",
                       {"nav": "maintenance", "tab": "visits", "page": page, "statuses": ServiceVisit.Status.choices,
                        "filters": {"status": status}},
                       partial="console/maintenance/_visit_rows.html")  # fmt: skip


@staff_required("maintenance.view")
def visit_detail(request, visit_id: int):
    try:
        visit = selectors.visit_get(visit_id)
    except ApplicationError:
        raise Http404
    tz_today = services.customer_today(visit.customer, timezone.now())
    return render_page(request, "console/maintenance/visit_detail.html",
                       {"nav": "maintenance", "tab": "visits", "visit": visit, "today": tz_today.isoformat(),
                        "can_change": can(request.user, "maintenance.change"),
                        "default_when": f"{visit.preferred_date.isoformat()}T{'15:00' if visit.slot == 'afternoon' else '10:00'}"})  # fmt: skip


@staff_required("maintenance.change")
@require_POST
def visit_action(request, visit_id: int):
    try:
        visit = selectors.visit_get(visit_id)
    except ApplicationError:
        raise Http404
    p = request.POST
    action = p.get("action", "")
    try:
        if action == "confirm":
            when = parse_datetime(p.get("scheduled_for", "").strip() or "x")
            if when is None:
                raise ApplicationError(_("Give the date and time of the visit."))
            services.visit_confirm(acting_user=request.user, visit=visit, scheduled_for=when, note=p.get("note", ""))
            messages.success(request, _("Visit confirmed. The customer is told by email."))
        elif action == "complete":
            services.visit_complete(acting_user=request.user, visit=visit, completed_on=p.get("completed_on") or None,
                                    note=p.get("note", ""))  # fmt: skip
            messages.success(request, _("Visit completed. The next reminders count from today."))
        elif action == "cancel":
            services.visit_cancel(acting_user=request.user, visit=visit, reason=p.get("note", ""))
            messages.success(request, _("Visit cancelled."))
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:maintenance_visit_detail", visit_id=visit.pk)


@staff_required("maintenance.change")
@require_POST
def visit_book(request):
    """Staff book a visit for a customer's asset (from the asset panel)."""
    from postventa.catalog.models import Asset

    asset = Asset.objects.select_related("customer").filter(pk=_int(request.POST.get("asset_id"))).first()
    if asset is None:
        raise Http404
    try:
        visit = services.visit_book(asset=asset, customer=asset.customer,
                                    preferred_date=request.POST.get("preferred_date", ""),
                                    slot=request.POST.get("slot", "any"), note=request.POST.get("note", ""),
                                    source=ServiceVisit.Source.STAFF, acting_user=request.user)  # fmt: skip
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("console:asset_detail", asset_id=asset.pk)
    messages.success(request, _("Visit booked."))
    return redirect("console:maintenance_visit_detail", visit_id=visit.pk)
