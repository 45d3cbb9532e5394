"""Portal > My products: each unit the customer owns with its coverage, terms, and what to do next.

Every lookup goes through request.portal_customer: another customer's unit or terms is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from postventa.aftercare.warranties import selectors
from postventa.aftercare.warranties.coverage import coverages_for_assets, local_date
from postventa.core.errors import ApplicationError, NotFound, RateLimited
from postventa.core.ratelimit import client_identity, hit
from postventa.portal.auth import customer_required

PROOF_MAX_BYTES = 8 * 1024 * 1024
PROOF_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"}
PROOF_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".heic")


@customer_required
def product_list(request):
    customer = request.portal_customer
    assets = list(selectors.customer_assets(customer))
    coverages = coverages_for_assets(assets, language=(request.LANGUAGE_CODE or "es")[:2])
    rows = [{"asset": a, "coverage": c} for a, c in zip(assets, coverages, strict=True)]
    return render(request, "portal/products/list.html", {"customer": customer, "rows": rows})


@customer_required
def terms(request, version_id: int):
    try:
        version = selectors.customer_terms_version(request.portal_customer, version_id)
    except NotFound:
        raise Http404
    lang = (request.LANGUAGE_CODE or "es")[:2]
    return render(
        request,
        "portal/products/terms.html",
        {"customer": request.portal_customer, "version": version, "body": version.body(lang)},
    )


def _products():
    from postventa.catalog.models import Product

    return (
        Product.objects.filter(is_active=True)
        .only("pk", "sku", "name_es", "name_en")
        .order_by("name_es")[:500]
    )


@customer_required
@require_http_methods(["GET", "POST"])
def register(request):
    """A customer adds a unit they own: product, serial number, purchase date, proof of purchase."""
    from postventa.catalog.models import Asset, Product
    from postventa.catalog.services import asset_register

    customer = request.portal_customer
    values, errors = {}, {}
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "").strip()[:200]
            for k in ("product", "serial_number", "purchased_on", "notes")
        }
        product = (
            Product.objects.filter(is_active=True, sku=values["product"]).first()
            if values["product"]
            else None
        )
        if product is None:
            errors["product"] = _("Choose the product from the list.")
        if not values["serial_number"]:
            errors["serial_number"] = _("Give the serial number: it is on the label of the product.")
        purchased_on = None
        try:
            purchased_on = dt.date.fromisoformat(values["purchased_on"])
        except ValueError:
            errors["purchased_on"] = _("Give the purchase date.")
        else:
            today = local_date(timezone.now(), customer.time_zone)
            if purchased_on > today:
                errors["purchased_on"] = _("The purchase date cannot be in the future.")
            elif purchased_on < dt.date(1990, 1, 1):
                errors["purchased_on"] = _("The purchase date is too far in the past.")
        proof = request.FILES.get("proof")
        if proof is None:
            errors["proof"] = _("Attach the invoice or receipt (PDF or photo).")
        elif proof.size > PROOF_MAX_BYTES:
            errors["proof"] = _("The file is larger than 8 MB.")
        elif not proof.name.lower().endswith(PROOF_EXTENSIONS) or (
            proof.content_type and proof.content_type not in PROOF_TYPES
        ):
            errors["proof"] = _("Attach a PDF or a photo (JPEG, PNG, WebP, HEIC).")
        if not errors:
            try:
                hit(
                    "portal_asset_register",
                    f"{customer.pk}:{client_identity(request)}",
                    limit=10,
                    window_seconds=3600,
                )
                asset_register(
                    acting_user=None,
                    customer=customer,
                    product=product,
                    serial_number=values["serial_number"],
                    purchased_on=purchased_on,
                    source=Asset.Source.SELF_REGISTERED,
                    proof_of_purchase=proof,
                    notes=values["notes"],
                )
            except RateLimited as exc:
                errors["form"] = exc.message
            except ApplicationError as exc:
                errors["serial_number" if "serial" in exc.code else "form"] = exc.message
            else:
                messages.success(request, _("Product registered. Its guarantees are below."))
                return redirect("portal:products")
    return render(
        request,
        "portal/products/register.html",
        {"customer": customer, "values": values, "errors": errors, "products": _products()},
        status=422 if errors else 200,
    )
