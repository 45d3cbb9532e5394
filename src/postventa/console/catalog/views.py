"""Console pages for the catalog: products and the units customers own."""

from __future__ import annotations

from django.http import Http404

from postventa.catalog import selectors
from postventa.catalog.models import Asset, Product
from postventa.catalog.panels import asset_panels, product_panels
from postventa.console.mixins import flash_error, render_page, rendered_panels, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page

PAGE_SIZE = 50


def _page(request, qs):
    try:
        return keyset_page(qs, cursor=request.GET.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        flash_error(request, exc)
        return keyset_page(qs, cursor=None, page_size=PAGE_SIZE)


@staff_required("catalog.view")
def product_list(request):
    g = request.GET
    filters = {
        "q": g.get("q", "")[:100],
        "category": g.get("category", "")[:80],
        "brand": g.get("brand", "")[:80],
    }
    context = {
        "nav": "catalog",
        "page": _page(request, selectors.product_list(**filters)),
        "filters": filters,
        "categories": selectors.category_list(),
        "brands": selectors.brand_list(),
    }
    return render_page(
        request, "console/catalog/product_list.html", context, partial="console/catalog/_product_rows.html"
    )


@staff_required("catalog.view")
def product_detail(request, product_id: int):
    product = Product.objects.select_related("category").filter(pk=product_id).first()
    if product is None:
        raise Http404
    assets = Asset.objects.select_related("customer").filter(product=product).order_by("-created_at")[:20]
    context = {
        "nav": "catalog",
        "product": product,
        "assets": assets,
        "asset_count": product.assets.count(),
        "panels": rendered_panels(request, product_panels(product, request.user), product=product),
    }
    return render_page(request, "console/catalog/product_detail.html", context)


@staff_required("catalog.view")
def asset_list(request):
    q = request.GET.get("q", "")[:100]
    context = {"nav": "assets", "page": _page(request, selectors.asset_list(q=q)), "filters": {"q": q}}
    return render_page(
        request, "console/catalog/asset_list.html", context, partial="console/catalog/_asset_rows.html"
    )


@staff_required("catalog.view")
def asset_detail(request, asset_id: int):
    asset = (
        Asset.objects.select_related("product__category", "customer", "order_line__order", "registered_by")
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise Http404
    panels = rendered_panels(request, asset_panels(asset, request.user), asset=asset)
    return render_page(
        request, "console/catalog/asset_detail.html", {"nav": "assets", "asset": asset, "panels": panels}
    )
