"""Reads of the catalog shaped for screens and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from postventa.catalog.models import Asset, Category, Product


def product_list(*, q: str = "", category: str = "", brand: str = "") -> QuerySet[Product]:
    qs = Product.objects.select_related("category")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(sku__icontains=q) | Q(name_es__icontains=q) | Q(name_en__icontains=q) | Q(brand__icontains=q)
        )
    if category:
        qs = (
            qs.filter(category__slug=category)
            if not str(category).isdigit()
            else qs.filter(category_id=int(category))
        )
    if brand:
        qs = qs.filter(brand__iexact=brand.strip())
    return qs


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def brand_list() -> list[str]:
    return list(
        Product.objects.exclude(brand="").order_by("brand").values_list("brand", flat=True).distinct()
    )


def asset_list(
    *, q: str = "", customer_id: int | None = None, product_id: int | None = None
) -> QuerySet[Asset]:
    qs = Asset.objects.select_related("product", "customer")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(serial_number__icontains=q) | Q(product__sku__icontains=q) | Q(customer__email__icontains=q)
        )
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs


def asset_by_serial(serial_number: str) -> QuerySet[Asset]:
    return Asset.objects.select_related("product", "customer").filter(
        serial_number=(serial_number or "").strip()
    )


def assets_of_customer(customer_id: int) -> list[Asset]:
    return list(
        Asset.objects.select_related("product").filter(customer_id=customer_id).order_by("-created_at")
    )
