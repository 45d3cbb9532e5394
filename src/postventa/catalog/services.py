"""Every write to the catalog: products, categories and owned assets."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from postventa.catalog.models import Asset, Category, Product
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.money import to_money
from postventa.core.permissions import require

PRODUCT_FIELDS = (
    "name_es",
    "name_en",
    "description_es",
    "description_en",
    "category_id",
    "brand",
    "price",
    "currency",
    "warranty_months",
    "maintenance_interval_months",
    "manufacturing_ended_on",
    "is_recyclable",
    "attributes",
    "is_active",
)


def _clean_product(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in data.items() if k in PRODUCT_FIELDS}
    if "name_es" in clean:
        clean["name_es"] = (clean["name_es"] or "").strip()
        if not clean["name_es"]:
            raise ValidationFailed(_("A product needs a Spanish name."), code="name_required")
    if clean.get("price") is not None:
        try:
            clean["price"] = to_money(clean["price"])
        except ValueError:
            raise ValidationFailed(_("The price is not a valid amount."), code="bad_price")
        if clean["price"] < Decimal("0"):
            raise ValidationFailed(_("The price cannot be negative."), code="bad_price")
    if "currency" in clean:
        currency = (clean["currency"] or "").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationFailed(
                _("The currency must be a three-letter code such as EUR."), code="bad_currency"
            )
        clean["currency"] = currency
    if clean.get("category_id") is not None and not Category.objects.filter(pk=clean["category_id"]).exists():
        raise ValidationFailed(_("That category does not exist."), code="bad_category")
    if "attributes" in clean:
        if not isinstance(clean["attributes"], dict):
            raise ValidationFailed(
                _("Attributes must be an object of names and values."), code="bad_attributes"
            )
        encoded = json.dumps(clean["attributes"], default=str)
        if len(encoded) > 20_000 or "\\u0000" in encoded:
            raise ValidationFailed(
                _("Attributes are too large or contain invalid characters."), code="bad_attributes"
            )
    return clean


@transaction.atomic
def category_create(*, acting_user, slug: str, name_es: str, name_en: str = "") -> Category:
    require(acting_user, "catalog.change")
    slug = (slug or "").strip().lower()
    if not slug or not name_es.strip():
        raise ValidationFailed(_("A category needs a slug and a Spanish name."))
    if Category.objects.filter(slug=slug).exists():
        raise Conflict(_("A category with that slug already exists."), code="duplicate_slug")
    category = Category.objects.create(slug=slug, name_es=name_es.strip(), name_en=name_en.strip())
    audit.record(actor=acting_user, action="category.created", target=category)
    return category


@transaction.atomic
def product_create(*, acting_user, sku: str, name_es: str, **fields: Any) -> Product:
    """Create a product; the SKU is unique."""
    require(acting_user, "catalog.change")
    sku = (sku or "").strip()
    if not sku:
        raise ValidationFailed(_("A product needs a SKU."), code="sku_required")
    if Product.objects.filter(sku=sku).exists():
        raise Conflict(_("A product with SKU %(sku)s already exists.") % {"sku": sku}, code="duplicate_sku")
    clean = _clean_product({"name_es": name_es, **fields})
    product = Product.objects.create(sku=sku, **clean)
    audit.record(actor=acting_user, action="product.created", target=product)
    emit("product.created", payload={"product_id": product.pk, "sku": product.sku}, actor_id=acting_user.pk)
    return product


@transaction.atomic
def product_update(*, acting_user, product: Product, **fields: Any) -> Product:
    require(acting_user, "catalog.change")
    clean = _clean_product(fields)
    before = audit.snapshot(product, clean.keys())
    for name, value in clean.items():
        setattr(product, name, value)
    product.save()
    audit.record(
        actor=acting_user, action="product.updated", target=product, changes=audit.diff(before, clean)
    )
    return product


@transaction.atomic
def product_delete(*, acting_user, product: Product) -> None:
    require(acting_user, "catalog.change")
    if product.assets.exists():
        raise Conflict(_("This product has registered units; deactivate it instead."), code="product_in_use")
    audit.record(actor=acting_user, action="product.deleted", target=product)
    product.delete()


@transaction.atomic
def asset_register(
    *,
    acting_user,
    customer,
    product: Product,
    serial_number: str,
    purchased_on: dt.date | None = None,
    order_line=None,
    source: str = Asset.Source.STAFF,
    proof_of_purchase=None,
    notes: str = "",
) -> Asset:
    """Record that `customer` owns one unit of `product` with `serial_number`."""
    if acting_user is not None:
        require(acting_user, "catalog.change")
    serial_number = (serial_number or "").strip()
    if not serial_number:
        raise ValidationFailed(_("Give the serial number of the unit."), code="serial_required")
    if source not in Asset.Source.values:
        raise ValidationFailed(_("Unknown asset source."), code="bad_source")
    if source == Asset.Source.SELF_REGISTERED and not (proof_of_purchase or notes.strip()):
        raise ValidationFailed(
            _("A unit registered by the customer needs a proof of purchase or a note."), code="proof_required"
        )
    if Asset.objects.filter(product=product, serial_number=serial_number).exists():
        raise Conflict(
            _("Serial number %(serial)s is already registered for this product.") % {"serial": serial_number},
            code="duplicate_serial",
        )
    asset = Asset(
        customer=customer,
        product=product,
        serial_number=serial_number,
        purchased_on=purchased_on,
        order_line=order_line,
        source=source,
        notes=notes,
        registered_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    if proof_of_purchase:
        asset.proof_of_purchase = proof_of_purchase
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:  # a concurrent registration of the same serial
        raise Conflict(
            _("Serial number %(serial)s is already registered for this product.") % {"serial": serial_number}
        )
    if acting_user is not None:
        audit.record(actor=acting_user, action="asset.registered", target=asset)
    from postventa.customers.timeline import timeline_record

    timeline_record(
        customer_id=customer.pk,
        kind="asset.registered",
        summary=f"{product.sku} #{serial_number}",
        data={"sku": product.sku, "serial": serial_number, "product": product.name_es},
        source=("asset", asset.pk),
        actor=acting_user,
    )
    emit(
        "asset.registered",
        payload={
            "asset_id": asset.pk,
            "product_id": product.pk,
            "sku": product.sku,
            "serial_number": serial_number,
        },
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return asset


@transaction.atomic
def asset_update(*, acting_user, asset: Asset, **fields: Any) -> Asset:
    require(acting_user, "catalog.change")
    allowed = {k: v for k, v in fields.items() if k in {"serial_number", "purchased_on", "notes"}}
    if "serial_number" in allowed:
        serial = (allowed["serial_number"] or "").strip()
        if not serial:
            raise ValidationFailed(_("Give the serial number of the unit."), code="serial_required")
        clash = Asset.objects.filter(product_id=asset.product_id, serial_number=serial).exclude(pk=asset.pk)
        if clash.exists():
            raise Conflict(
                _("Serial number %(serial)s is already registered for this product.") % {"serial": serial},
                code="duplicate_serial",
            )
        allowed["serial_number"] = serial
    before = audit.snapshot(asset, allowed.keys())
    for name, value in allowed.items():
        setattr(asset, name, value)
    asset.save()
    audit.record(actor=acting_user, action="asset.updated", target=asset, changes=audit.diff(before, allowed))
    return asset


@transaction.atomic
def asset_delete(*, acting_user, asset: Asset) -> None:
    require(acting_user, "catalog.change")
    audit.record(actor=acting_user, action="asset.deleted", target=asset)
    asset.delete()


def get_or_404(model, pk: int, message: str):
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(message)
