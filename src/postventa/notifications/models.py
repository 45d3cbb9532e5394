"""Tables of this app: one row per message sent (or deliberately not sent) to a customer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Notification(TimeStampedModel):
    """One message to one customer, keyed by the caller's idempotency key.

    The row is written before the message leaves, so a retry finds it and never sends twice;
    `message_id` is derived from the key so a receiving mail system can drop a duplicate too.
    Suppressed rows are kept on purpose: they are the proof that consent or a frequency cap
    stopped a message.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Purpose(models.TextChoices):
        TRANSACTIONAL = "transactional", _("Transactional")
        MARKETING = "marketing", _("Marketing")
        SURVEYS = "surveys", _("Surveys")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DEFERRED = "deferred", _("Deferred (quiet hours)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.EMAIL)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.TRANSACTIONAL
    )
    template = models.CharField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=8)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    # Set while one worker is sending, so the periodic sweep and a retry never send in parallel.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    related_type = models.CharField(_("related object type"), max_length=80, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"], name="notification_due_idx"),
            models.Index(fields=["customer", "purpose", "created_at"], name="notification_cap_idx"),
            models.Index(fields=["related_type", "related_id"], name="notification_related_idx"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.template} -> {self.to_address or self.customer_id} ({self.status})"
