"""Reads of warranty claims shaped for the console, the portal, the API and the quality report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from postventa.aftercare.claims.models import ClaimStatus, WarrantyClaim

OPEN_STATUSES = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.APPROVED,
    ClaimStatus.REMEDY_IN_PROGRESS,
)
# Age filter: claims filed more than N days ago.
AGE_CHOICES = (7, 14, 30, 60)


def claim_list(
    *,
    status: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    covered: bool | None = None,
    older_than_days: int | None = None,
    open_only: bool = False,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[WarrantyClaim]:
    qs = WarrantyClaim.objects.select_related("customer", "product", "asset")
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if product_id:
        qs = qs.filter(product_id=product_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if asset_id:
        qs = qs.filter(asset_id=asset_id)
    if covered is not None:
        qs = qs.filter(covered=covered)
    if older_than_days:
        qs = qs.filter(filed_at__lt=(now or timezone.now()) - dt.timedelta(days=older_than_days))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(asset__serial_number__iexact=q) | Q(number__icontains=q))
    return qs


def claim_detail(claim_id: int) -> WarrantyClaim | None:
    return (
        WarrantyClaim.objects.select_related(
            "customer",
            "product",
            "asset",
            "asset__order_line__order",
            "ticket",
            "decided_by",
            "remedy_chosen_by",
            "filed_by",
            "replacement_order",
        )  # fmt: skip
        .prefetch_related("photos", "history", "history__actor")
        .filter(pk=claim_id)
        .first()
    )


def claim_by_number(number: str) -> WarrantyClaim | None:
    row = WarrantyClaim.objects.filter(number=(number or "")[:24]).only("pk").first()
    return claim_detail(row.pk) if row else None


def portal_claims(customer) -> QuerySet[WarrantyClaim]:
    return (
        WarrantyClaim.objects.select_related("product", "asset")
        .filter(customer=customer)
        .order_by("-filed_at", "-id")
    )


def portal_claim(customer, number: str) -> WarrantyClaim | None:
    """One of the customer's own claims by number; another customer's is None (the page says 404)."""
    return (
        WarrantyClaim.objects.select_related("product", "asset", "ticket")
        .prefetch_related("photos", "history")
        .filter(customer=customer, number=(number or "")[:24])
        .first()
    )


def customer_assets(customer) -> QuerySet:
    from postventa.catalog.models import Asset

    return Asset.objects.select_related("product").filter(customer=customer).order_by("-purchased_on", "-id")


def repair_for(claim: WarrantyClaim):
    if not claim.repair_order_id:
        return None
    from postventa.aftercare.repairs.models import RepairOrder

    return RepairOrder.objects.filter(pk=claim.repair_order_id).first()


def refund_for(claim: WarrantyClaim):
    if not claim.refund_id:
        return None
    from postventa.aftercare.returns.models import Refund

    return Refund.objects.filter(pk=claim.refund_id).first()


def status_counts() -> dict[str, int]:
    rows = WarrantyClaim.objects.values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


# --- quality report ------------------------------------------------------------------------


@dataclass
class RateRow:
    product_id: int
    sku: str
    name: str
    claims: int
    covered: int
    rejected: int
    units_sold: int
    assets: int
    base: int  # the larger of units sold and registered units: the installed base
    rate: Decimal | None  # claims per 100 units

    @property
    def out_of_coverage(self) -> int:
        return self.claims - self.covered


SORTS = {
    "rate": lambda r: (r.rate is None, -(r.rate or 0), -r.claims),
    "claims": lambda r: (-r.claims, r.sku),
    "units": lambda r: (-r.base, r.sku),
    "product": lambda r: (r.sku,),
}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    return lo, hi


def claim_rate(
    *, start: dt.date, end: dt.date, sort: str = "rate", product_id: int | None = None, limit: int = 500
) -> list[RateRow]:
    """Claims filed in [start, end] per product, over its installed base at the end of the period.

    The base is the larger of the units sold (order lines up to `end`, excluding cancelled and
    rejected orders and warranty replacements) and the units registered as assets up to `end`,
    so shops that import orders and shops that only register serial numbers both get a rate.
    Three queries whatever the number of products.
    """
    from postventa.catalog.models import Asset, Product
    from postventa.orders.models import OrderLine

    lo, hi = _bounds(start, end)
    claims = WarrantyClaim.objects.filter(filed_at__gte=lo, filed_at__lt=hi)
    if product_id:
        claims = claims.filter(product_id=product_id)
    per_product = {
        r["product_id"]: r
        for r in claims.values("product_id").annotate(
            n=Count("id"),
            covered_n=Count("id", filter=Q(covered=True)),
            rejected_n=Count("id", filter=Q(status=ClaimStatus.REJECTED) | Q(rejection_reason__gt="")),
        )
    }
    ids = list(per_product)
    if not ids:
        return []
    units = {
        r["product_id"]: r["u"] or 0
        for r in OrderLine.objects.filter(product_id__in=ids, order__placed_at__lt=hi)
        .exclude(order__status__in=("cancelled", "rejected"))
        .filter(order__replacement_for_claims__isnull=True)
        .values("product_id")
        .annotate(u=Sum("quantity"))
    }
    assets = {
        r["product_id"]: r["n"]
        for r in Asset.objects.filter(product_id__in=ids, created_at__lt=hi)
        .values("product_id")
        .annotate(n=Count("id"))
    }
    products = {p.pk: p for p in Product.objects.filter(pk__in=ids).only("pk", "sku", "name_es", "name_en")}
    rows = []
    for pid, r in per_product.items():
        product = products.get(pid)
        if product is None:
            continue
        base = max(units.get(pid, 0), assets.get(pid, 0))
        rate = (
            (Decimal(r["n"] * 100) / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if base
            else None
        )
        rows.append(
            RateRow(
                product_id=pid,
                sku=product.sku,
                name=product.name,
                claims=r["n"],
                covered=r["covered_n"],
                rejected=r["rejected_n"],
                units_sold=units.get(pid, 0),
                assets=assets.get(pid, 0),
                base=base,
                rate=rate,
            )  # fmt: skip
        )
    rows.sort(key=SORTS.get(sort, SORTS["rate"]))
    return rows[:limit]
