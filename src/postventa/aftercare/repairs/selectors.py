"""Repairs: reads shaped for pages and the API."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from postventa.aftercare.repairs.models import QuoteLine, RepairOrder, SparePart
from postventa.core.errors import NotFound
from postventa.core.money import to_money

MAX_ID = 2**62


def repair_list(
    *,
    status: str | None = None,
    technician_id: int | None = None,
    unassigned: bool = False,
    under_warranty: bool | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    q: str | None = None,
) -> QuerySet[RepairOrder]:
    qs = RepairOrder.objects.select_related("customer", "asset__product", "technician")
    if status:
        qs = qs.exclude(status="closed") if status == "open" else qs.filter(status=status)
    if unassigned:
        qs = qs.filter(technician__isnull=True)
    elif technician_id:
        qs = qs.filter(technician_id=technician_id)
    if under_warranty is not None:
        qs = qs.filter(under_warranty=under_warranty)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if asset_id:
        qs = qs.filter(asset_id=asset_id)
    if q:
        q = q.strip()
        qs = qs.filter(number__icontains=q) | qs.filter(asset__serial_number__iexact=q)
    return qs


def repair_get(repair_id: int, *, customer_id: int | None = None) -> RepairOrder:
    """One repair; with `customer_id`, only that customer's (anything else is not found)."""
    qs = RepairOrder.objects.select_related("customer", "asset__product", "technician", "ticket", "opened_by")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    repair = qs.filter(pk=repair_id).first() if 0 < int(repair_id) < MAX_ID else None
    if repair is None:
        raise NotFound(_("That repair does not exist."), code="repair_not_found")
    return repair


def repair_by_number(number: str, *, customer_id: int | None = None) -> RepairOrder:
    qs = RepairOrder.objects.select_related("customer", "asset__product", "technician")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    repair = qs.filter(number=number).first()
    if repair is None:
        raise NotFound(_("That repair does not exist."), code="repair_not_found")
    return repair


def quote_lines(repair: RepairOrder) -> list[QuoteLine]:
    return list(repair.quote_lines.select_related("spare_part").all())


def quote_summary(repair: RepairOrder, lines: list[QuoteLine] | None = None) -> dict:
    """Parts, labour, VAT and totals of the quote. Under warranty the customer pays nothing."""
    lines = quote_lines(repair) if lines is None else lines
    parts = sum((ln.line_total for ln in lines if ln.kind == QuoteLine.Kind.PART), Decimal("0"))
    labour = sum((ln.line_total for ln in lines if ln.kind == QuoteLine.Kind.LABOUR), Decimal("0"))
    subtotal = to_money(parts + labour)
    vat = to_money(subtotal * repair.vat_rate / Decimal("100"))
    total = to_money(subtotal + vat)
    return {
        "lines": lines,
        "parts_total": to_money(parts),
        "labour_total": to_money(labour),
        "subtotal": subtotal,
        "vat_rate": repair.vat_rate,
        "vat": vat,
        "total": total,
        "under_warranty": repair.under_warranty,
        # What the customer pays: nothing under warranty (the lines still show the work's value).
        "customer_total": Decimal("0.00") if repair.under_warranty else total,
        "currency": repair.currency,
    }


def spare_part_list(*, q: str | None = None, low_stock: bool = False, product_id: int | None = None):
    qs = SparePart.objects.all()
    if q:
        q = q.strip()
        qs = qs.filter(sku__icontains=q) | qs.filter(name_es__icontains=q) | qs.filter(name_en__icontains=q)
    if low_stock:
        qs = qs.filter(stock__lte=2)
    if product_id:
        qs = qs.filter(compatible_products__id=product_id)
    return qs.distinct()


def spare_part_get(part_id: int) -> SparePart:
    part = SparePart.objects.filter(pk=part_id).first() if 0 < int(part_id) < MAX_ID else None
    if part is None:
        raise NotFound(_("That spare part does not exist."), code="part_not_found")
    return part


def parts_for(repair: RepairOrder) -> QuerySet[SparePart]:
    """Active parts that fit the repaired product (or fit anything: no compatibility listed)."""
    from django.db.models import Count, Q

    return (
        SparePart.objects.filter(is_active=True)
        .annotate(n_compatible=Count("compatible_products"))
        .filter(Q(n_compatible=0) | Q(compatible_products=repair.asset.product_id))
        .distinct()
        .order_by("sku")
    )


def timeline(repair: RepairOrder):
    return list(repair.status_changes.select_related("actor").all())


def part_usages(repair: RepairOrder):
    return list(repair.part_usages.select_related("spare_part", "used_by").all())
