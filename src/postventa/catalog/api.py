"""REST endpoints of the catalog (mounted at /api/v1/catalog). Thin: parse, call, map."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.catalog import selectors, services
from postventa.catalog.models import Asset, Product
from postventa.catalog.schemas import (
    AssetIn,
    AssetOut,
    AssetPage,
    AssetPatch,
    CategoryOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
)
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["catalog"])


def _product(pk: int) -> Product:
    return services.get_or_404(Product, pk, _("That product does not exist."))


def _asset(pk: int) -> Asset:
    try:
        return Asset.objects.select_related("product").get(pk=pk)
    except Asset.DoesNotExist:
        raise NotFound(_("That asset does not exist."))


@router.get("/categories", response=list[CategoryOut])
def categories(request):
    require(request.user, "catalog.view")
    return list(selectors.category_list())


@router.get("/products", response=ProductPage)
def product_list(
    request,
    q: str = "",
    category: str = "",
    brand: str = "",
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "catalog.view")
    page = keyset_page(
        selectors.product_list(q=q, category=category, brand=brand),
        cursor=cursor,
        page_size=page_size or settings.API_PAGE_SIZE,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/products", response={201: ProductOut})
def product_create(request, body: ProductIn):
    data = body.dict()
    product = services.product_create(acting_user=request.user, **data)
    return Status(201, product)


@router.get("/products/{product_id}", response=ProductOut)
def product_detail(request, product_id: int):
    require(request.user, "catalog.view")
    return _product(product_id)


@router.patch("/products/{product_id}", response=ProductOut)
def product_update(request, product_id: int, body: ProductPatch):
    require(request.user, "catalog.change")
    return services.product_update(
        acting_user=request.user, product=_product(product_id), **body.dict(exclude_unset=True)
    )


@router.delete("/products/{product_id}", response={204: None})
def product_delete(request, product_id: int):
    require(request.user, "catalog.change")
    services.product_delete(acting_user=request.user, product=_product(product_id))
    return Status(204, None)


@router.get("/assets", response=AssetPage)
def asset_list(
    request,
    q: str = "",
    customer_id: int | None = None,
    product_id: int | None = None,
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "catalog.view")
    page = keyset_page(
        selectors.asset_list(q=q, customer_id=customer_id, product_id=product_id),
        cursor=cursor,
        page_size=page_size or settings.API_PAGE_SIZE,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/assets/by-serial/{serial_number}", response=list[AssetOut])
def asset_lookup(request, serial_number: str):
    """Every unit with this serial number (serials are unique per product, not globally)."""
    require(request.user, "catalog.view")
    return list(selectors.asset_by_serial(serial_number))


@router.post("/assets", response={201: AssetOut})
def asset_create(request, body: AssetIn):
    from postventa.customers.models import Customer

    require(request.user, "catalog.change")
    customer = services.get_or_404(Customer, body.customer_id, _("That customer does not exist."))
    product = services.get_or_404(Product, body.product_id, _("That product does not exist."))
    order_line = None
    if body.order_line_id is not None:
        from django.apps import apps

        OrderLine = apps.get_model("orders", "OrderLine")  # noqa: N806 - catalog may not import orders
        order_line = OrderLine.objects.filter(pk=body.order_line_id, order__customer_id=customer.pk).first()
        if order_line is None:
            raise ValidationFailed(
                _("That order line does not belong to this customer."), code="bad_order_line"
            )
    asset = services.asset_register(
        acting_user=request.user,
        customer=customer,
        product=product,
        serial_number=body.serial_number,
        purchased_on=body.purchased_on,
        order_line=order_line,
        source=body.source,
        notes=body.notes,
    )
    return Status(201, asset)


@router.get("/assets/{asset_id}", response=AssetOut)
def asset_detail(request, asset_id: int):
    require(request.user, "catalog.view")
    return _asset(asset_id)


@router.patch("/assets/{asset_id}", response=AssetOut)
def asset_update(request, asset_id: int, body: AssetPatch):
    require(request.user, "catalog.change")
    return services.asset_update(
        acting_user=request.user, asset=_asset(asset_id), **body.dict(exclude_unset=True)
    )


@router.delete("/assets/{asset_id}", response={204: None})
def asset_delete(request, asset_id: int):
    require(request.user, "catalog.change")
    services.asset_delete(acting_user=request.user, asset=_asset(asset_id))
    return Status(204, None)
