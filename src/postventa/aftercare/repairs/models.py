"""Repairs (service orders): intake, diagnosis, a transparent quote, parts, completion.

A repair order follows one status pipeline (see `TRANSITIONS`); every change writes a
`RepairStatusChange` row, which is the timeline the console shows. Rules live in services.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField


class RepairStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DIAGNOSING = "diagnosing", _("Diagnosing")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    APPROVED = "approved", _("Quote approved")
    REJECTED = "rejected", _("Quote rejected")
    IN_REPAIR = "in_repair", _("In repair")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    REPAIRED = "repaired", _("Repaired")
    RETURNED = "returned", _("Returned to customer")
    CLOSED = "closed", _("Closed")


S = RepairStatus
# from -> statuses it may move to. Quote sending, the customer's decision and completion have their
# own services (send_quote, decide_quote, complete_repair); they still go through this table.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.DIAGNOSING}),
    # A repair under warranty costs the customer nothing, so it may skip the approval step.
    S.DIAGNOSING: frozenset({S.QUOTE_SENT, S.IN_REPAIR}),
    # Back to diagnosing = revise the quote (the links already sent stop working).
    S.QUOTE_SENT: frozenset({S.APPROVED, S.REJECTED, S.DIAGNOSING}),
    S.APPROVED: frozenset({S.IN_REPAIR}),
    S.REJECTED: frozenset({S.RETURNED}),
    S.IN_REPAIR: frozenset({S.WAITING_PARTS, S.REPAIRED}),
    S.WAITING_PARTS: frozenset({S.IN_REPAIR}),
    S.REPAIRED: frozenset({S.RETURNED}),
    S.RETURNED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Statuses in which parts may be used on the repair.
WORK_STATUSES = frozenset({S.IN_REPAIR, S.WAITING_PARTS})
OPEN_STATUSES = frozenset(set(S.values) - {S.CLOSED})


class SparePart(TimeStampedModel):
    """A spare part in stock: what a technician fits. Using one decrements `stock` atomically."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    compatible_products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("compatible products"), blank=True, related_name="spare_parts"
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    unit_price = MoneyField(_("unit price (VAT excluded)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="sparepart_stock_not_negative"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="sparepart_price_not_negative"
            ),
        ]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def name(self) -> str:
        language = (get_language() or "es")[:2]
        if language == "en" and self.name_en:
            return self.name_en
        return self.name_es

    def name_in(self, language: str) -> str:
        return self.name_en if language[:2] == "en" and self.name_en else self.name_es


class RepairSequence(models.Model):
    """Counter behind REP-<year>-<n>: one row per year, locked while used (safe on PostgreSQL)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = _("repair number sequence")
        verbose_name_plural = _("repair number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class RepairOrder(TimeStampedModel):
    """One service order: a customer's asset in the workshop, from intake to closing."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    asset = models.ForeignKey(
        "catalog.Asset", verbose_name=_("asset"), on_delete=models.PROTECT, related_name="repairs"
    )
    # Copied from the asset at intake: portal lookups filter on it without a join.
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="repairs"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RepairStatus.choices, default=RepairStatus.RECEIVED, db_index=True
    )
    fault = models.TextField(_("reported fault"))
    accessories = models.TextField(_("accessories received"), blank=True)
    under_warranty = models.BooleanField(_("under warranty"), default=False, db_index=True)
    # The claims app sits beside this one; an id, not a foreign key, keeps the two apps independent.
    claim_id = models.PositiveBigIntegerField(_("warranty claim id"), null=True, blank=True, db_index=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repairs",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_repairs",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("21.00")
    )
    # Bumped each time a quote is sent: links sent for an older version stop working.
    quote_version = models.PositiveIntegerField(_("quote version"), default=0)
    quote_sent_at = models.DateTimeField(_("quote sent at"), null=True, blank=True)
    quote_decided_at = models.DateTimeField(_("quote decided at"), null=True, blank=True)
    quote_comment = models.TextField(_("customer's comment on the quote"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    started_at = models.DateTimeField(_("repair started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    completion_report = models.TextField(_("completion report"), blank=True)
    guarantee_extended_at = models.DateTimeField(_("guarantee extended at"), null=True, blank=True)
    guarantee_note = models.CharField(_("guarantee extension"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="repair_customer_idx"),
            models.Index(fields=["status", "-created_at"], name="repair_status_idx"),
        ]
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())


def photo_upload_to(instance: RepairPhoto, filename: str) -> str:
    # The original name is kept in a column; the stored name is not guessable from it.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"repairs/photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class RepairPhoto(models.Model):
    """A photo taken at intake (or later); served only to the owner and staff."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("repair photo")
        verbose_name_plural = _("repair photos")

    def __str__(self) -> str:
        return self.original_name


class QuoteLine(models.Model):
    """One line of the quote: a part (quantity x unit price) or labour (hours x rate), VAT excluded."""

    class Kind(models.TextChoices):
        PART = "part", _("Part")
        LABOUR = "labour", _("Labour")

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="quote_lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    spare_part = models.ForeignKey(
        SparePart,
        verbose_name=_("spare part"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Units for a part, hours for labour.
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = MoneyField(_("unit price"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="quoteline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="quoteline_price_not_negative"
            ),
        ]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self) -> str:
        return self.description

    @property
    def line_total(self) -> Decimal:
        from postventa.core.money import to_money

        return to_money(self.quantity * self.unit_price)


class PartUsage(models.Model):
    """A spare part fitted on a repair; its quantity left the stock when this row was written."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="part_usages")
    spare_part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="usages")
    quantity = models.PositiveIntegerField(_("quantity"))
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        ordering = ["used_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="partusage_quantity_positive"),
        ]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.spare_part.sku}"


class RepairStatusChange(models.Model):
    """One step of a repair's timeline."""

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("repair status change")
        verbose_name_plural = _("repair status changes")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return RepairStatus(self.to_status).label if self.to_status in RepairStatus.values else self.to_status


class QuoteToken(models.Model):
    """A link the customer uses to approve or reject a quote without signing in.

    Only a SHA-256 of the secret is stored; the link itself is signed, carries its expiry and
    purpose, and works once, for the quote version it was sent with.
    """

    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="quote_tokens")
    secret_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=30, default="quote_decision")
    quote_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote approval link")
        verbose_name_plural = _("quote approval links")

    def __str__(self) -> str:
        return f"{self.repair_id} v{self.quote_version}"
