"""Reads of maintenance shaped for the console, the portal and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from postventa.aftercare.maintenance.models import (
    Consumable,
    FailurePoint,
    MaintenancePlan,
    MaintenanceReminder,
    NoticeDelivery,
    OwnerNotice,
    ReminderKind,
    ServiceVisit,
)
from postventa.core.errors import NotFound

MAX_PK = 2**62


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < MAX_PK else None


def maintained_products(*, q: str = "") -> QuerySet:
    """Products with a plan or a default maintenance interval, with their plan and owner counts."""
    from postventa.catalog.models import Product

    qs = (
        Product.objects.filter(
            Q(maintenance_plan__isnull=False) | Q(maintenance_interval_months__isnull=False)
        )
        .select_related("maintenance_plan", "category")
        .annotate(asset_count=Count("assets", distinct=True))
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(name_es__icontains=q) | Q(name_en__icontains=q))
    return qs


def plan_for_product(product_id) -> MaintenancePlan | None:
    pk = _pk(product_id)
    if pk is None:
        return None
    return (
        MaintenancePlan.objects.select_related("product")
        .prefetch_related("consumables__product", "failure_points")
        .filter(product_id=pk)
        .first()
    )


def plan_get(plan_id) -> MaintenancePlan:
    pk = _pk(plan_id)
    plan = (
        MaintenancePlan.objects.select_related("product").prefetch_related("consumables", "failure_points")
        .filter(pk=pk).first() if pk else None
    )  # fmt: skip
    if plan is None:
        raise NotFound(_("That maintenance plan does not exist."))
    return plan


def plan_list() -> QuerySet[MaintenancePlan]:
    return MaintenancePlan.objects.select_related("product").prefetch_related("consumables", "failure_points")


def reminder_list(
    *,
    status: str = "",
    kind: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> QuerySet[MaintenanceReminder]:
    qs = MaintenanceReminder.objects.select_related("asset", "product", "customer")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if product_id:
        qs = qs.filter(product_id=product_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if asset_id:
        qs = qs.filter(asset_id=asset_id)
    if due_from:
        qs = qs.filter(due_on__gte=due_from)
    if due_to:
        qs = qs.filter(due_on__lte=due_to)
    return qs


def item_names(reminders) -> dict[tuple[str, int], str]:
    """Names of the consumables and failure points the reminders point at, in two queries."""
    cons = {r.item_id for r in reminders if r.kind == ReminderKind.CONSUMABLE}
    fails = {r.item_id for r in reminders if r.kind == ReminderKind.FAILURE_POINT}
    out: dict[tuple[str, int], str] = {}
    for c in Consumable.objects.filter(pk__in=cons):
        out[(ReminderKind.CONSUMABLE, c.pk)] = c.name
    for f in FailurePoint.objects.filter(pk__in=fails):
        out[(ReminderKind.FAILURE_POINT, f.pk)] = f.component
    return out


def label_reminders(reminders: list[MaintenanceReminder]) -> list[MaintenanceReminder]:
    names = item_names(reminders)
    for r in reminders:
        r.item_name = names.get((r.kind, r.item_id), "")
    return reminders


def visit_list(*, status: str = "", customer_id: int | None = None, asset_id: int | None = None) -> QuerySet:
    qs = ServiceVisit.objects.select_related("asset__product", "customer", "handled_by")
    if status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if asset_id:
        qs = qs.filter(asset_id=asset_id)
    return qs


def visit_get(visit_id, *, customer=None) -> ServiceVisit:
    pk = _pk(visit_id)
    qs = ServiceVisit.objects.select_related("asset__product", "customer", "handled_by", "reminder")
    if customer is not None:
        qs = qs.filter(customer=customer)
    visit = qs.filter(pk=pk).first() if pk else None
    if visit is None:
        raise NotFound(_("That visit does not exist."))
    return visit


def notice_list(*, kind: str = "", product_id: int | None = None) -> QuerySet[OwnerNotice]:
    qs = OwnerNotice.objects.select_related("product", "created_by")
    if kind:
        qs = qs.filter(kind=kind)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs


def notice_get(notice_id) -> OwnerNotice:
    pk = _pk(notice_id)
    notice = OwnerNotice.objects.select_related("product", "created_by").filter(pk=pk).first() if pk else None
    if notice is None:
        raise NotFound(_("That notice does not exist."))
    return notice


def delivery_list(notice: OwnerNotice, *, status: str = "") -> QuerySet[NoticeDelivery]:
    qs = NoticeDelivery.objects.filter(notice=notice).select_related("customer", "asset")
    if status:
        qs = qs.filter(status=status)
    return qs


def notices_for_customer(customer_id: int, *, limit: int = 10) -> list[NoticeDelivery]:
    return list(
        NoticeDelivery.objects.filter(customer_id=customer_id)
        .select_related("notice__product", "asset")
        .order_by("-id")[:limit]
    )


def customer_assets_with_next(customer) -> list:
    """The customer's assets of maintained products, each with `next_reminders` and `open_visit`."""
    from postventa.catalog.models import Asset

    assets = list(
        Asset.objects.filter(customer=customer)
        .filter(
            Q(product__maintenance_plan__isnull=False) | Q(product__maintenance_interval_months__isnull=False)
        )
        .select_related("product")
        .order_by("-created_at", "-id")
    )
    ids = [a.pk for a in assets]
    upcoming = label_reminders(
        list(
            MaintenanceReminder.objects.filter(asset_id__in=ids, status__in=["scheduled", "held", "sent"])
            .order_by("due_on", "id")
        )
    )  # fmt: skip
    visits = list(ServiceVisit.objects.filter(asset_id__in=ids).order_by("-created_at", "-id"))
    for a in assets:
        a.next_reminders = [r for r in upcoming if r.asset_id == a.pk][:4]
        a.open_visit = next((v for v in visits if v.asset_id == a.pk and v.is_open), None)
        a.last_visit = next(
            (v for v in visits if v.asset_id == a.pk and v.status == ServiceVisit.Status.COMPLETED), None
        )
    return assets
