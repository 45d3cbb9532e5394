"""Returns (RMA), refunds and the store credit ledger: tables.

A return policy is configuration (one active policy, rules per category); reasons are rows so a
business can add its own. A return request holds lines of an order and follows `TRANSITIONS`.
Refunds are records of money given back (to the original payment, by transfer, as store credit...)
and store credit is a ledger of signed entries: the balance is always their sum.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField

LEGAL_WITHDRAWAL_DAYS = 14
LEGAL_REFUND_DAYS = 14


def _localised(obj, field: str) -> str:
    lang = (get_language() or "es")[:2]
    primary = getattr(obj, f"{field}_{'en' if lang == 'en' else 'es'}")
    return primary or getattr(obj, f"{field}_{'es' if lang == 'en' else 'en'}")


class ReturnPolicy(TimeStampedModel):
    """How returns work: windows, refund deadline, auto-approval. Exactly one is active."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=False)
    withdrawal_days = models.PositiveSmallIntegerField(
        _("right of withdrawal (days)"),
        default=LEGAL_WITHDRAWAL_DAYS,
        help_text=_("Distance sales: at least 14 days from delivery, by law."),
    )
    business_window_days = models.PositiveSmallIntegerField(
        _("own return window (days)"),
        default=30,
        help_text=_(
            "The business's own, longer window from delivery. Equal to the withdrawal period for none."
        ),
    )
    refund_deadline_days = models.PositiveSmallIntegerField(
        _("refund deadline (days)"),
        default=LEGAL_REFUND_DAYS,
        help_text=_("Days from the request to refund; 14 at most for withdrawals, by law."),
    )
    auto_approve = models.BooleanField(_("approve automatically"), default=True)
    auto_approve_max_amount = MoneyField(
        _("auto-approve up to"),
        default=Decimal("150.00"),
        help_text=_("Requests worth more than this wait for an agent."),
    )
    auto_approve_only_withdrawal = models.BooleanField(
        _("auto-approve only within the withdrawal period"), default=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    return_address = models.TextField(_("return address"), blank=True)
    instructions_es = models.TextField(_("instructions (Spanish)"), blank=True)
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    max_photo_mb = models.PositiveSmallIntegerField(_("largest photo (MB)"), default=5)

    class Meta:
        ordering = ["-is_active", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="return_policy_one_active"
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_days__gte=LEGAL_WITHDRAWAL_DAYS), name="return_policy_legal_withdrawal"
            ),
        ]
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")

    def __str__(self) -> str:
        return self.name

    @property
    def instructions(self) -> str:
        return _localised(self, "instructions")


class CategoryRule(models.Model):
    """A product category's own conditions: excluded from returns, or another window, or a condition."""

    class Exclusion(models.TextChoices):
        NONE = "", _("Returnable")
        HYGIENE = "hygiene", _("Sealed for hygiene or health")
        CUSTOM = "custom", _("Custom-made or personalised")
        PERISHABLE = "perishable", _("Perishable")
        DIGITAL = "digital", _("Digital content already supplied")
        OTHER = "other", _("Not returnable")

    policy = models.ForeignKey(ReturnPolicy, on_delete=models.CASCADE, related_name="category_rules")
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    exclusion = models.CharField(_("exclusion"), max_length=20, choices=Exclusion.choices, blank=True)
    window_days = models.PositiveSmallIntegerField(
        _("own return window (days)"), null=True, blank=True, help_text=_("Empty: the policy's window.")
    )
    condition_es = models.CharField(_("condition (Spanish)"), max_length=300, blank=True)
    condition_en = models.CharField(_("condition (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["policy", "category__slug"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "category"], name="return_rule_one_per_category"),
        ]
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")

    def __str__(self) -> str:
        return f"{self.policy_id}: {self.category_id}"

    @property
    def condition(self) -> str:
        return _localised(self, "condition")


class ReturnReason(models.Model):
    """Why a customer returns something; who pays the return shipping follows from it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    business_pays_shipping = models.BooleanField(
        _("the business pays the return shipping"),
        default=False,
        help_text=_("Yes when the fault is ours (arrived damaged, wrong item, lost)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self, "label")


class ReturnStatus(models.TextChoices):
    # A context: "return status" labels agree with "la devolución" in Spanish (Aprobada, not Aprobado).
    REQUESTED = "requested", pgettext_lazy("return status", "Requested")
    APPROVED = "approved", pgettext_lazy("return status", "Approved")
    IN_TRANSIT = "in_transit", pgettext_lazy("return status", "In transit")
    RECEIVED = "received", pgettext_lazy("return status", "Received")
    INSPECTED = "inspected", pgettext_lazy("return status", "Inspected")
    REFUNDED = "refunded", pgettext_lazy("return status", "Refunded")
    EXCHANGED = "exchanged", pgettext_lazy("return status", "Exchanged")
    CREDITED = "credited", pgettext_lazy("return status", "Store credit given")
    REPAIRED = "repaired", pgettext_lazy("return status", "Repaired")
    REJECTED = "rejected", pgettext_lazy("return status", "Rejected")


S = ReturnStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.IN_TRANSIT, S.RECEIVED, S.REJECTED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INSPECTED, S.REJECTED}),
    S.INSPECTED: frozenset({S.REFUNDED, S.EXCHANGED, S.CREDITED, S.REPAIRED, S.REJECTED}),
    # A refunded return may receive a further partial refund, but its status stays.
    S.REFUNDED: frozenset(),
    S.EXCHANGED: frozenset(),
    S.CREDITED: frozenset(),
    S.REPAIRED: frozenset(),
    S.REJECTED: frozenset(),
}
CLOSED_STATUSES = frozenset({S.REFUNDED, S.EXCHANGED, S.CREDITED, S.REPAIRED, S.REJECTED})
OPEN_STATUSES = frozenset(set(S.values) - CLOSED_STATUSES)
STATUS_TONES = {
    S.REQUESTED: "info",
    S.APPROVED: "info",
    S.IN_TRANSIT: "info",
    S.RECEIVED: "warn",
    S.INSPECTED: "warn",
    S.REFUNDED: "ok",
    S.EXCHANGED: "ok",
    S.CREDITED: "ok",
    S.REPAIRED: "ok",
    S.REJECTED: "danger",
}


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    STORE_CREDIT = "store_credit", _("Store credit")
    REPAIR = "repair", _("Repair")


class ReturnRequest(TimeStampedModel):
    """A customer's request to send back lines of one order (an RMA)."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        CONSOLE = "console", _("Console")
        API = "api", _("API")

    class ShippingPayer(models.TextChoices):
        BUSINESS = "business", _("The business")
        CUSTOMER = "customer", _("The customer")

    number = models.CharField(_("RMA number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="return_requests",
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="return_requests"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReturnStatus.choices,
        default=ReturnStatus.REQUESTED,
        db_index=True,
    )
    reason = models.ForeignKey(
        ReturnReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+"
    )
    reason_detail = models.TextField(_("details"), blank=True)
    resolution = models.CharField(
        _("preferred resolution"), max_length=20, choices=Resolution.choices, default=Resolution.REFUND
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    shipping_paid_by = models.CharField(
        _("return shipping paid by"),
        max_length=10,
        choices=ShippingPayer.choices,
        default=ShippingPayer.CUSTOMER,
    )
    is_withdrawal = models.BooleanField(_("right of withdrawal"), default=False)
    auto_approved = models.BooleanField(_("approved automatically"), default=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    requested_value = MoneyField(_("value of the returned items"), default=0)
    refunded_total = MoneyField(_("refunded"), default=0)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    return_carrier = models.CharField(_("return carrier"), max_length=40, blank=True)
    return_tracking = models.CharField(_("return tracking number"), max_length=80, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    refund_due_by = models.DateTimeField(_("refund due by"), null=True, blank=True, db_index=True)
    exchange_order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("exchange order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-requested_at", "-id"], name="return_status_idx"),
            models.Index(fields=["customer", "-requested_at"], name="return_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_total__gte=0), name="return_refunded_not_negative"),
        ]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "")

    @property
    def next_statuses(self) -> list[str]:
        return sorted(TRANSITIONS.get(self.status, ()), key=list(S.values).index)

    def refund_overdue(self, now=None) -> bool:
        """A refund is owed (refund or credit chosen, not closed) and its deadline has passed."""
        now = now or timezone.now()
        return bool(
            self.refund_due_by
            and self.refund_due_by < now
            and self.status not in CLOSED_STATUSES
            and self.resolution in (Resolution.REFUND, Resolution.STORE_CREDIT)
        )


class ReturnLine(models.Model):
    """Some units of one order line in a return, and what inspection found."""

    class Condition(models.TextChoices):
        AS_NEW = "as_new", _("As new, unopened")
        OPENED = "opened", _("Opened, complete")
        USED = "used", _("Used")
        DAMAGED = "damaged", _("Damaged")
        INCOMPLETE = "incomplete", _("Parts missing")

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(_("unit price"), default=0)
    eligibility = models.CharField(_("eligibility"), max_length=400, blank=True)
    window_ends_on = models.DateField(_("return window ends"), null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, blank=True)
    restock = models.BooleanField(_("restock"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection notes"), blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive"),
            models.UniqueConstraint(fields=["request", "order_line"], name="return_line_once_per_request"),
        ]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.order_line_id}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


def _photo_path(instance: ReturnPhoto, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"returns/photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext[:5]}"


class ReturnPhoto(models.Model):
    """A photo the customer attached; served only to them and to staff."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ReturnStatusChange(models.Model):
    """One move in a return's history: from, to, who, when, why."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("return status change")
        verbose_name_plural = _("return status history")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return str(ReturnStatus(self.to_status).label) if self.to_status in S.values else self.to_status


class RmaCounter(models.Model):
    """The last RMA number given in a year (RMA-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("RMA counter")
        verbose_name_plural = _("RMA counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", _("Original payment method")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    STORE_CREDIT = "store_credit", _("Store credit")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Refund(TimeStampedModel):
    """Money given back to a customer, for a return, a claim or anything else (source_type/id)."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="refunds"
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    source_type = models.CharField(_("source"), max_length=30)
    source_id = models.BigIntegerField(_("source id"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-refunded_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="refund_source_idx"),
            models.Index(fields=["customer", "-refunded_at"], name="refund_customer_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_method_display()})"


class StoreCreditEntry(models.Model):
    """One movement on a customer's store credit: positive adds, negative spends."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit")
        SPEND = "spend", _("Spend")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="store_credit",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"), help_text=_("Positive for a credit, negative for a spend."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    source_type = models.CharField(_("source"), max_length=30, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="store_credit_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="credit", amount__gt=0) | Q(kind="spend", amount__lt=0)),
                name="store_credit_sign_matches_kind",
            ),
        ]
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount} {self.currency}"
