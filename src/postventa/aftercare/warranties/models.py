"""Warranties and coverage: tables.

Legal guarantee rules are data (Jurisdiction + LegalRule, seeded by a data migration and editable
by supervisors), so another country is configuration. On top of the legal guarantee sit
commercial warranties (per product or per brand: WarrantyPlan) and extended warranties sold for one
asset (ExtendedWarranty). Every plan points at plain-language terms that are versioned: a buyer
keeps the version that was in force when they bought. GuaranteeExtension records what a repair
under guarantee did to the legal period (suspension, guarantee on the repaired fault).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField


def _localised(obj, field: str, language: str | None = None) -> str:
    lang = (language or get_language() or "es")[:2]
    primary = getattr(obj, f"{field}_{'en' if lang == 'en' else 'es'}")
    return primary or getattr(obj, f"{field}_{'es' if lang == 'en' else 'en'}")


class ProductKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    DIGITAL = "digital", _("Digital content")
    SERVICE = "service", _("Service")
    SECOND_HAND = "second_hand", _("Second-hand goods")


class Jurisdiction(models.Model):
    """A body of consumer law: "ES" (Spain) or "EU" (the directive's minimum).

    Which one applies: settings.WARRANTY_JURISDICTION (default "ES"), unless the order was
    shipped to a country listed in another jurisdiction's `countries`.
    """

    code = models.CharField(_("code"), max_length=8, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    countries = models.CharField(
        _("countries"), max_length=300, blank=True, help_text=_("ISO country codes separated by commas.")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    spare_parts_years = models.PositiveSmallIntegerField(
        _("spare parts (years after manufacturing ends)"), default=0
    )
    suspend_during_repair = models.BooleanField(_("repairs suspend the legal period"), default=False)
    repaired_fault_months = models.PositiveSmallIntegerField(
        _("guarantee on the repaired fault (months)"), default=0
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        return _localised(self, "name")

    def country_codes(self) -> set[str]:
        return {c.strip().upper() for c in self.countries.split(",") if c.strip()}


class LegalRule(models.Model):
    """How long the legal guarantee lasts for one kind of product delivered from a date on."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("product kind"), max_length=20, choices=ProductKind.choices)
    delivered_from = models.DateField(_("for deliveries from"))
    months = models.PositiveSmallIntegerField(_("legal guarantee (months)"))
    min_months = models.PositiveSmallIntegerField(
        _("shortest period that may be agreed (months)"),
        null=True,
        blank=True,
        help_text=_("Second-hand goods: the seller may agree a shorter period, never under this."),
    )
    presumption_months = models.PositiveSmallIntegerField(_("defect presumed at delivery during (months)"))
    reference = models.CharField(_("legal reference"), max_length=300, blank=True)

    class Meta:
        ordering = ["jurisdiction", "kind", "-delivered_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "delivered_from"], name="legal_rule_unique"
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="legal_rule_months_positive"),
        ]
        verbose_name = _("legal guarantee rule")
        verbose_name_plural = _("legal guarantee rules")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.kind} ≥ {self.delivered_from}: {self.months}"


class WarrantyProfile(models.Model):
    """What kind of product this is for the law (goods, digital, service, second-hand).

    One per product, or one per category as the default for its products; without either a
    product is plain goods.
    """

    product = models.OneToOneField(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="warranty_profile"
    )
    category = models.OneToOneField(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="warranty_profile"
    )
    kind = models.CharField(
        _("product kind"), max_length=20, choices=ProductKind.choices, default=ProductKind.GOODS
    )
    agreed_months = models.PositiveSmallIntegerField(
        _("agreed legal period (months)"),
        null=True,
        blank=True,
        help_text=_("Second-hand goods only: never below the jurisdiction's minimum."),
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(product__isnull=False, category__isnull=True)
                    | models.Q(product__isnull=True, category__isnull=False)
                ),
                name="warranty_profile_product_xor_category",
            )
        ]
        verbose_name = _("warranty profile")
        verbose_name_plural = _("warranty profiles")

    def __str__(self) -> str:
        return f"{self.product_id or self.category_id}: {self.kind}"


class WarrantyTerms(TimeStampedModel):
    """Plain-language terms of a commercial or extended warranty; the text lives in versions."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("warranty terms")
        verbose_name_plural = _("warranty terms")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")


class TermsVersion(models.Model):
    """One wording of a WarrantyTerms. Drafts can be edited; a published version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    terms = models.ForeignKey(WarrantyTerms, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body_es = models.TextField(_("text (Spanish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["terms", "-number"]
        constraints = [models.UniqueConstraint(fields=["terms", "number"], name="terms_version_unique")]
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")

    def __str__(self) -> str:
        return f"{self.terms.slug} v{self.number}"

    def body(self, language: str | None = None) -> str:
        return _localised(self, "body", language)


class WarrantyPlan(TimeStampedModel):
    """A commercial warranty given with a product or a brand, or an extended warranty on sale.

    Commercial plans apply by themselves to every unit of their product (or, without a product,
    of their brand); without `months` they take catalog Product.warranty_months. Extended plans
    are sold per asset (ExtendedWarranty) with their own months and price.
    """

    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("Commercial warranty")
        EXTENDED = "extended", _("Extended warranty")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMMERCIAL)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="warranty_plans"
    )
    brand = models.CharField(_("brand"), max_length=80, blank=True, db_index=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    price = MoneyField(_("price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    terms = models.ForeignKey(WarrantyTerms, on_delete=models.PROTECT, related_name="plans")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "brand", "id"]
        verbose_name = _("warranty plan")
        verbose_name_plural = _("warranty plans")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class ExtendedWarranty(TimeStampedModel):
    """An extended warranty bought for one asset: its dates, price and the terms version it got."""

    asset = models.ForeignKey("catalog.Asset", on_delete=models.CASCADE, related_name="extended_warranties")
    plan = models.ForeignKey(
        WarrantyPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="sales"
    )
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    months = models.PositiveSmallIntegerField(_("months"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    price = MoneyField(_("price"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    terms_version = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="extended_warranties"
    )
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__gte=1), name="extended_warranty_months_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="extended_warranty_dates"
            ),
        ]
        verbose_name = _("extended warranty")
        verbose_name_plural = _("extended warranties")

    def __str__(self) -> str:
        return f"{self.name} ({self.asset_id})"

    @property
    def name(self) -> str:
        return _localised(self, "name")


class GuaranteeExtension(models.Model):
    """What a repair under the legal guarantee did to an asset's coverage (one per repair)."""

    asset = models.ForeignKey("catalog.Asset", on_delete=models.CASCADE, related_name="guarantee_extensions")
    source_ref = models.CharField(_("source"), max_length=120, unique=True)
    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=8)
    repair_started_on = models.DateField(_("repair started on"))
    repair_completed_on = models.DateField(_("repair completed on"))
    suspended_days = models.PositiveIntegerField(_("days the legal period was suspended"), default=0)
    fault = models.CharField(_("fault repaired"), max_length=300)
    repaired_fault_until = models.DateField(_("repaired fault guaranteed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["repair_started_on", "id"]
        verbose_name = _("guarantee extension")
        verbose_name_plural = _("guarantee extensions")

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.source_ref}"
