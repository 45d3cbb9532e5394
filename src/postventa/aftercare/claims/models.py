"""Warranty claims: tables.

A claim is a customer's report that one registered unit (an Asset) does not conform. It keeps,
frozen at filing, the warranty coverage the customer was shown, so later changes to warranty
terms never rewrite what was true when the claim was filed. Rows are written only by
claims.services; the state machine lives in claims.states.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from postventa.core.models import TimeStampedModel


class ClaimStatus(models.TextChoices):
    # A context: "approved", "closed"… are feminine for a claim in Spanish (la reclamación).
    SUBMITTED = "submitted", pgettext_lazy("claim status", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("claim status", "In review")
    APPROVED = "approved", pgettext_lazy("claim status", "Approved")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
    REMEDY_IN_PROGRESS = "remedy_in_progress", pgettext_lazy("claim status", "Remedy in progress")
    RESOLVED = "resolved", pgettext_lazy("claim status", "Resolved")
    CLOSED = "closed", pgettext_lazy("claim status", "Closed")


# The same statuses as the customer reads them in the portal.
CUSTOMER_STATUS_LABELS = {
    ClaimStatus.SUBMITTED: pgettext_lazy("claim status for the customer", "Received"),
    ClaimStatus.IN_REVIEW: pgettext_lazy("claim status for the customer", "Being reviewed"),
    ClaimStatus.APPROVED: pgettext_lazy("claim status for the customer", "Approved"),
    ClaimStatus.REJECTED: pgettext_lazy("claim status for the customer", "Not accepted"),
    ClaimStatus.REMEDY_IN_PROGRESS: pgettext_lazy("claim status for the customer", "Remedy in progress"),
    ClaimStatus.RESOLVED: pgettext_lazy("claim status for the customer", "Resolved"),
    ClaimStatus.CLOSED: pgettext_lazy("claim status for the customer", "Closed"),
}


class ClaimChannel(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    STAFF = "staff", _("Staff")
    CHATBOT = "chatbot", _("Chatbot")
    API = "api", _("API")


class Remedy(models.TextChoices):
    """Remedies for a lack of conformity, in the legal order (TRLGDCU arts. 118-121, RDL 7/2021)."""

    REPAIR = "repair", pgettext_lazy("claim remedy", "Repair")
    REPLACEMENT = "replacement", pgettext_lazy("claim remedy", "Replacement")
    PRICE_REDUCTION = "price_reduction", pgettext_lazy("claim remedy", "Price reduction")
    TERMINATION = "termination", pgettext_lazy("claim remedy", "Termination and refund")


FIRST_TIER = (Remedy.REPAIR, Remedy.REPLACEMENT)
SECOND_TIER = (Remedy.PRICE_REDUCTION, Remedy.TERMINATION)


class PreferredRemedy(models.TextChoices):
    NONE = "", _("No preference")
    REPAIR = "repair", pgettext_lazy("claim remedy", "Repair")
    REPLACEMENT = "replacement", pgettext_lazy("claim remedy", "Replacement")


class RemedyGround(models.TextChoices):
    """Why a remedy other than the customer's choice, or a second-tier remedy, is lawful."""

    # The customer's first-tier choice may be overridden only for these.
    OTHER_IMPOSSIBLE = "other_impossible", _("The customer's choice is impossible")
    OTHER_DISPROPORTIONATE = "other_disproportionate", _("The customer's choice is disproportionate")
    # Price reduction or termination only for these (art. 119 ter TRLGDCU).
    FIRST_TIER_IMPOSSIBLE = "first_tier_impossible", _("Repair and replacement are impossible")
    FIRST_TIER_DISPROPORTIONATE = (
        "first_tier_disproportionate",
        _("Repair and replacement are disproportionate"),
    )
    FIRST_TIER_FAILED = "first_tier_failed", _("Repair or replacement failed: the defect persists")
    NOT_IN_REASONABLE_TIME = "not_in_reasonable_time", _("Not repaired or replaced within a reasonable time")
    SERIOUS_DEFECT = (
        "serious_defect",
        _("The defect is so serious that an immediate reduction or termination is justified"),
    )


OVERRIDE_GROUNDS = (RemedyGround.OTHER_IMPOSSIBLE, RemedyGround.OTHER_DISPROPORTIONATE)
SECOND_TIER_GROUNDS = (
    RemedyGround.FIRST_TIER_IMPOSSIBLE,
    RemedyGround.FIRST_TIER_DISPROPORTIONATE,
    RemedyGround.FIRST_TIER_FAILED,
    RemedyGround.NOT_IN_REASONABLE_TIME,
    RemedyGround.SERIOUS_DEFECT,
)


class ClaimSequence(models.Model):
    """The last claim number handed out per year (locked while numbering)."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = _("claim number sequence")
        verbose_name_plural = _("claim number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class WarrantyClaim(TimeStampedModel):
    """One customer's warranty claim about one registered unit, from filing to closing."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="warranty_claims",
    )
    asset = models.ForeignKey(
        "catalog.Asset", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="warranty_claims"
    )
    # Denormalised from the asset for the quality report and list filters.
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="warranty_claims"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    channel = models.CharField(_("channel"), max_length=16, choices=ClaimChannel.choices)
    symptoms = models.TextField(_("symptoms"))
    preferred_remedy = models.CharField(
        _("remedy the customer prefers"),
        max_length=16,
        choices=PreferredRemedy.choices,
        blank=True,
        default="",
    )
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    ticket = models.ForeignKey(
        "helpdesk.Ticket", verbose_name=_("ticket"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="warranty_claims",
    )  # fmt: skip

    # Coverage as it was at filing (never recomputed).
    covered = models.BooleanField(_("covered at filing"))
    coverage_kind = models.CharField(_("covering guarantee"), max_length=16, blank=True)
    coverage_ends_on = models.DateField(_("coverage ends on"), null=True, blank=True)
    presumption_until = models.DateField(_("defect presumed at delivery until"), null=True, blank=True)
    presumption_applies = models.BooleanField(_("defect presumed at delivery"), default=False)
    coverage_sentence = models.TextField(_("coverage as shown to the customer"), blank=True)
    coverage_snapshot = models.JSONField(_("coverage snapshot"), default=dict, blank=True)

    # Decision.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    rejection_reason = models.TextField(_("rejection reason"), blank=True)

    # Remedy.
    remedy = models.CharField(_("remedy"), max_length=20, choices=Remedy.choices, blank=True)
    remedy_grounds = models.JSONField(_("remedy grounds"), default=list, blank=True)
    remedy_justification = models.TextField(_("remedy justification"), blank=True)
    remedy_amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    remedy_currency = models.CharField(_("currency"), max_length=3, blank=True)
    remedy_chosen_at = models.DateTimeField(_("remedy chosen at"), null=True, blank=True)
    remedy_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("remedy chosen by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Ids in the apps that carry the remedy out (plain ids: repairs and returns point back at claims).
    repair_order_id = models.BigIntegerField(_("repair order"), null=True, blank=True, db_index=True)
    refund_id = models.BigIntegerField(_("refund"), null=True, blank=True, db_index=True)
    replacement_order = models.ForeignKey(
        "orders.Order", verbose_name=_("replacement order"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="replacement_for_claims",
    )  # fmt: skip

    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        indexes = [
            models.Index(fields=["status", "-filed_at"], name="claim_status_filed_idx"),
            models.Index(fields=["product", "filed_at"], name="claim_product_filed_idx"),
            models.Index(fields=["customer", "-filed_at"], name="claim_customer_filed_idx"),
            models.Index(fields=["-filed_at", "-id"], name="claim_filed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="claim_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (ClaimStatus.CLOSED,)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "")

    @property
    def customer_status_label(self) -> str:
        return CUSTOMER_STATUS_LABELS.get(self.status, self.status)


STATUS_TONES = {
    ClaimStatus.SUBMITTED: "info",
    ClaimStatus.IN_REVIEW: "warn",
    ClaimStatus.APPROVED: "ok",
    ClaimStatus.REJECTED: "danger",
    ClaimStatus.REMEDY_IN_PROGRESS: "info",
    ClaimStatus.RESOLVED: "ok",
    ClaimStatus.CLOSED: "",
}


def photo_path(instance: ClaimPhoto, filename: str) -> str:
    return f"claims/photos/{instance.claim_id}/{filename}"


class ClaimPhoto(models.Model):
    """A photo of the defect, stored through Django storage; served only to the owner and staff."""

    claim = models.ForeignKey(
        WarrantyClaim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by_customer = models.BooleanField(_("uploaded by the customer"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["claim", "id"]
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")

    def __str__(self) -> str:
        return self.filename


class ClaimHistory(models.Model):
    """One step of a claim: a status change or a recorded action, with who and why."""

    claim = models.ForeignKey(
        WarrantyClaim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the customer"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["claim", "occurred_at", "id"]
        verbose_name = _("claim history entry")
        verbose_name_plural = _("claim history")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.action}"

    @property
    def to_label(self) -> str:
        return ClaimStatus(self.to_status).label if self.to_status in ClaimStatus.values else ""

    @property
    def to_customer_label(self) -> str:
        return CUSTOMER_STATUS_LABELS.get(self.to_status, "")
