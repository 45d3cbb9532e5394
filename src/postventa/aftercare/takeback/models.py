"""Take-back and recycling: disposal instructions per category, end-of-life take-back requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


def _localised(obj, field: str) -> str:
    lang = (get_language() or "es")[:2]
    primary = getattr(obj, f"{field}_{'en' if lang == 'en' else 'es'}")
    return primary or getattr(obj, f"{field}_{'es' if lang == 'en' else 'en'}")


class DisposalInstruction(TimeStampedModel):
    """How to dispose of products of one category (WEEE/RAEE drop-off, battery rules), in both languages."""

    category = models.OneToOneField(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="disposal_instruction",
    )
    instructions_es = models.TextField(_("instructions (Spanish)"))
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    battery_rules_es = models.TextField(_("battery rules (Spanish)"), blank=True)
    battery_rules_en = models.TextField(_("battery rules (English)"), blank=True)
    accepts_pickup = models.BooleanField(_("we collect at home"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category__slug"]
        verbose_name = _("disposal instruction")
        verbose_name_plural = _("disposal instructions")

    def __str__(self) -> str:
        return str(self.category)

    @property
    def instructions(self) -> str:
        return _localised(self, "instructions")

    @property
    def battery_rules(self) -> str:
        return _localised(self, "battery_rules")


class TakebackStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    COLLECTED = "collected", _("Collected")
    RECYCLED = "recycled", _("Recycled")
    REFURBISHED = "refurbished", _("Refurbished")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# from -> allowed next statuses (the one place the pipeline is written down)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TakebackStatus.REQUESTED: (TakebackStatus.SCHEDULED, TakebackStatus.CANCELLED),
    TakebackStatus.SCHEDULED: (TakebackStatus.COLLECTED, TakebackStatus.SCHEDULED, TakebackStatus.CANCELLED),
    TakebackStatus.COLLECTED: (TakebackStatus.RECYCLED, TakebackStatus.REFURBISHED),
    TakebackStatus.RECYCLED: (TakebackStatus.CLOSED,),
    TakebackStatus.REFURBISHED: (TakebackStatus.CLOSED,),
    TakebackStatus.CLOSED: (),
    TakebackStatus.CANCELLED: (),
}
STATUS_TONES = {
    "requested": "info", "scheduled": "info", "collected": "warn", "recycled": "ok",
    "refurbished": "ok", "closed": "muted", "cancelled": "muted",
}  # fmt: skip


class TakebackRequest(TimeStampedModel):
    """A customer's end-of-life product to collect or receive, tracked until it is recycled or refurbished."""

    class Method(models.TextChoices):
        PICKUP = "pickup", _("Pick-up at my address")
        DROP_OFF = "drop_off", _("I will drop it off")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        STAFF = "staff", _("Staff")

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="takeback_requests",
    )
    asset = models.ForeignKey(
        "catalog.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    item_description = models.CharField(_("item"), max_length=300, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    address = models.TextField(_("address"), blank=True)
    customer_note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TakebackStatus.choices, default=TakebackStatus.REQUESTED
    )
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_note = models.TextField(_("certificate / confirmation"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.PORTAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="takeback_status_idx")]
        verbose_name = _("take-back request")
        verbose_name_plural = _("take-back requests")

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def item_label(self) -> str:
        if self.asset_id:
            return f"{self.asset.product.name} · {self.asset.serial_number}"
        return self.item_description

    @property
    def tone(self) -> str:
        return STATUS_TONES.get(self.status, "")

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class TakebackStatusChange(models.Model):
    """One step of a take-back request (append-only history)."""

    request = models.ForeignKey(TakebackRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("take-back status change")
        verbose_name_plural = _("take-back status changes")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return (
            TakebackStatus(self.to_status).label
            if self.to_status in TakebackStatus.values
            else self.to_status
        )
