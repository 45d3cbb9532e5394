"""Maintenance and owner notices: plans per product, reminders per asset, service visits, notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


def _localised(obj, field: str) -> str:
    lang = (get_language() or "es")[:2]
    primary = getattr(obj, f"{field}_{'en' if lang == 'en' else 'es'}")
    return primary or getattr(obj, f"{field}_{'es' if lang == 'en' else 'en'}")


class MaintenancePlan(TimeStampedModel):
    """How one product is looked after: the service interval, consumables and known failure points.

    `interval_months` empty means "use the product's maintenance_interval_months".
    """

    product = models.OneToOneField(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="maintenance_plan",
    )
    interval_months = models.PositiveSmallIntegerField(_("service interval (months)"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("remind days before"), default=14)
    service_es = models.TextField(_("what the service includes (Spanish)"), blank=True)
    service_en = models.TextField(_("what the service includes (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["product__sku"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")

    def __str__(self) -> str:
        return f"{self.product.sku}"

    @property
    def effective_interval(self) -> int | None:
        return self.interval_months or self.product.maintenance_interval_months

    @property
    def service(self) -> str:
        return _localised(self, "service")


class Consumable(models.Model):
    """A part the customer replaces periodically (filter, toner, descaler)."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="consumables")
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    period_months = models.PositiveSmallIntegerField(_("replace every (months)"))
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("replacement product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sku = models.CharField(_("SKU"), max_length=64, blank=True)

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("consumable")
        verbose_name_plural = _("consumables")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")


class FailurePoint(models.Model):
    """A known weak spot ("pump at 6 months") and the preventive advice sent before it happens."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="failure_points")
    component_es = models.CharField(_("component (Spanish)"), max_length=120)
    component_en = models.CharField(_("component (English)"), max_length=120, blank=True)
    after_months = models.PositiveSmallIntegerField(_("after (months)"))
    message_es = models.TextField(_("preventive message (Spanish)"))
    message_en = models.TextField(_("preventive message (English)"), blank=True)

    class Meta:
        ordering = ["plan_id", "after_months", "id"]
        verbose_name = _("failure point")
        verbose_name_plural = _("failure points")

    def __str__(self) -> str:
        return self.component

    @property
    def component(self) -> str:
        return _localised(self, "component")

    @property
    def message(self) -> str:
        return _localised(self, "message")


class ReminderKind(models.TextChoices):
    SERVICE = "service", _("Service visit")
    CONSUMABLE = "consumable", _("Consumable")
    FAILURE_POINT = "failure_point", _("Preventive check")


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held (weekly limit)")
    SENT = "sent", _("Sent")
    SUPPRESSED = "suppressed", _("Not sent (no consent or address)")
    CANCELLED = "cancelled", _("Cancelled")


class MaintenanceReminder(models.Model):
    """One reminder per asset, kind, item and due date; written in bulk by the scheduler.

    `item_id` is the consumable or failure point (0 for the service visit). The unique key makes
    the scheduler idempotent: re-running it inserts nothing that already exists.
    """

    asset = models.ForeignKey(
        "catalog.Asset",
        verbose_name=_("asset"),
        on_delete=models.CASCADE,
        related_name="maintenance_reminders",
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    item_id = models.PositiveIntegerField(_("item"), default=0)
    due_on = models.DateField(_("due on"))
    send_after = models.DateTimeField(_("send after"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    notification_id = models.BigIntegerField(_("notification"), null=True, blank=True)
    last_error = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "kind", "item_id", "due_on"], name="maint_reminder_unique_due"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="maint_reminder_due_idx"),
            models.Index(fields=["customer", "due_on"], name="maint_reminder_customer_idx"),
            models.Index(fields=["product", "status"], name="maint_reminder_product_idx"),
        ]
        verbose_name = _("maintenance reminder")
        verbose_name_plural = _("maintenance reminders")

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind}:{self.item_id} {self.due_on}"


class ServiceVisit(TimeStampedModel):
    """A maintenance visit the customer booked (from a reminder link or the portal) or staff added."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Slot(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (9:00-14:00)")
        AFTERNOON = "afternoon", _("Afternoon (15:00-19:00)")

    class Source(models.TextChoices):
        LINK = "link", _("Reminder link")
        PORTAL = "portal", _("Portal")
        STAFF = "staff", _("Staff")

    asset = models.ForeignKey(
        "catalog.Asset", verbose_name=_("asset"), on_delete=models.CASCADE, related_name="service_visits"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    reminder = models.ForeignKey(
        MaintenanceReminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    preferred_date = models.DateField(_("preferred date"))
    slot = models.CharField(_("time of day"), max_length=10, choices=Slot.choices, default=Slot.ANY)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    scheduled_for = models.DateTimeField(_("confirmed for"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    staff_note = models.TextField(_("staff note"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.PORTAL)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="service_visit_one_open_per_reminder",
            )
        ]
        indexes = [models.Index(fields=["status", "preferred_date"], name="service_visit_status_idx")]
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")

    def __str__(self) -> str:
        return f"#{self.pk} {self.asset_id} {self.preferred_date}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.CONFIRMED)


class OwnerNotice(TimeStampedModel):
    """A message to every owner of a product (or a serial range): recall, firmware, end of life."""

    class Kind(models.TextChoices):
        SAFETY_RECALL = "safety_recall", _("Safety recall")
        FIRMWARE_UPDATE = "firmware_update", _("Firmware update")
        END_OF_LIFE = "end_of_life", _("End of life")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="owner_notices"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    serial_from = models.CharField(_("serial from"), max_length=80, blank=True)
    serial_to = models.CharField(_("serial to"), max_length=80, blank=True)
    numeric_serials = models.BooleanField(_("compare serials as numbers"), default=False)
    subject_es = models.CharField(_("subject (Spanish)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    message_es = models.TextField(_("message (Spanish)"))
    message_en = models.TextField(_("message (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    owners_total = models.PositiveIntegerField(_("owners"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("owner notice")
        verbose_name_plural = _("owner notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.product.sku}"

    @property
    def subject(self) -> str:
        return _localised(self, "subject")

    @property
    def message(self) -> str:
        return _localised(self, "message")


class NoticeDelivery(models.Model):
    """One owner of a notice: written once per (notice, customer), so nobody is told twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        HELD = "held", _("Held (weekly limit)")
        SENT = "sent", _("Sent")
        DEFERRED = "deferred", _("Waiting for quiet hours to end")
        SUPPRESSED = "suppressed", _("Not sent (no consent or address)")
        FAILED = "failed", _("Failed")

    notice = models.ForeignKey(OwnerNotice, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    asset = models.ForeignKey(
        "catalog.Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    notification_id = models.BigIntegerField(_("notification"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "customer"], name="notice_delivery_once_per_owner")
        ]
        indexes = [models.Index(fields=["notice", "status"], name="notice_delivery_status_idx")]
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")

    def __str__(self) -> str:
        return f"{self.notice_id} -> {self.customer_id}: {self.status}"
