"""Catalog: products (with categories) and assets, the specific units customers own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField


def _localised(obj, field: str) -> str:
    """The Spanish or English value of `field`, falling back to the other language."""
    lang = (get_language() or "es")[:2]
    primary = getattr(obj, f"{field}_{'en' if lang == 'en' else 'es'}")
    return primary or getattr(obj, f"{field}_{'es' if lang == 'en' else 'en'}")


class Category(models.Model):
    """A product family ("Washing machines"), with names in both languages."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Product(TimeStampedModel):
    """Something the business sells, identified by its SKU."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    brand = models.CharField(_("brand"), max_length=80, blank=True, db_index=True)
    price = MoneyField(_("price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    warranty_months = models.PositiveSmallIntegerField(_("commercial warranty (months)"), default=0)
    maintenance_interval_months = models.PositiveSmallIntegerField(
        _("maintenance interval (months)"), null=True, blank=True
    )
    manufacturing_ended_on = models.DateField(_("manufacturing end date"), null=True, blank=True)
    is_recyclable = models.BooleanField(_("recyclable"), default=False)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")


class Asset(TimeStampedModel):
    """One unit a customer owns: a product plus a serial number.

    It comes from an order line or the customer registers it with a proof of purchase.
    """

    class Source(models.TextChoices):
        ORDER = "order", _("Order")
        SELF_REGISTERED = "self_registered", _("Registered by the customer")
        STAFF = "staff", _("Added by staff")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="assets"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="assets"
    )
    serial_number = models.CharField(_("serial number"), max_length=80)
    purchased_on = models.DateField(_("purchase date"), null=True, blank=True)
    # A string reference: catalog sits above orders in the layers, so no import of orders here.
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.STAFF)
    proof_of_purchase = models.FileField(_("proof of purchase"), upload_to="assets/proofs/%Y/%m", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "serial_number"], name="asset_serial_per_product"),
        ]
        indexes = [models.Index(fields=["serial_number"], name="asset_serial_idx")]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return f"{self.product.sku} #{self.serial_number}"
