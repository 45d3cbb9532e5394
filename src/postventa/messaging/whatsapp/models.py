"""WhatsApp Business (Meta Cloud API): the account, templates, contacts, raw inbound and outbound log.

Inbound webhooks are stored raw (InboundWhatsApp) before anything parses them; every agent reply
or template sent gets an OutboundWhatsApp row, committed before the HTTP call, so a retry never
sends twice.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"


class WhatsAppAccount(TimeStampedModel):
    """One WhatsApp Business phone number connected through the Cloud API.

    `base_url` is https://graph.facebook.com in production; it is configurable so tests (and a
    sandbox) can point at a local server that speaks the same format. Secrets are write-only in
    the console: the access token and app secret are never shown back.
    """

    name = models.CharField(_("name"), max_length=120)
    phone_number_id = models.CharField(_("phone number id"), max_length=40, unique=True)
    display_phone_number = models.CharField(_("display phone number"), max_length=40, blank=True)
    access_token = models.TextField(_("access token"))
    app_secret = models.CharField(_("app secret"), max_length=200)
    verify_token = models.CharField(_("verify token"), max_length=200)
    base_url = models.URLField(_("API base URL"), max_length=300, default=DEFAULT_BASE_URL)
    api_version = models.CharField(_("API version"), max_length=12, default=DEFAULT_API_VERSION)
    default_team = models.ForeignKey(
        "accounts.Team", verbose_name=_("default team"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("WhatsApp account")
        verbose_name_plural = _("WhatsApp accounts")

    def __str__(self) -> str:
        return self.display_phone_number or self.name

    @property
    def api_root(self) -> str:
        return f"{self.base_url.rstrip('/')}/{self.api_version.strip('/')}"


class WhatsAppTemplate(TimeStampedModel):
    """A message template approved in Meta's manager, mirrored here so agents can pick one.

    `body` is a preview with positional placeholders ({{1}}, {{2}}...) filled from the params.
    """

    class Category(models.TextChoices):
        UTILITY = "utility", _("Utility")
        MARKETING = "marketing", _("Marketing")

    account = models.ForeignKey(WhatsAppAccount, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(_("name"), max_length=512)
    language = models.CharField(_("language code"), max_length=12, default="es")
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.UTILITY)
    body = models.TextField(_("body preview"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "language", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name", "language"], name="wa_template_unique")
        ]
        verbose_name = _("WhatsApp template")
        verbose_name_plural = _("WhatsApp templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def placeholder_count(self) -> int:
        import re

        found = {int(n) for n in re.findall(r"\{\{\s*(\d+)\s*\}\}", self.body)}
        return max(found) if found else 0


class WhatsAppContact(models.Model):
    """A WhatsApp user (wa_id) who wrote to an account; when they last wrote opens the 24 h window."""

    account = models.ForeignKey(WhatsAppAccount, on_delete=models.CASCADE, related_name="contacts")
    wa_id = models.CharField(_("WhatsApp id"), max_length=32)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    profile_name = models.CharField(_("profile name"), max_length=200, blank=True)
    last_inbound_at = models.DateTimeField(_("last message from the customer"), null=True, blank=True)

    class Meta:
        ordering = ["-last_inbound_at", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "wa_id"], name="wa_contact_unique")]
        verbose_name = _("WhatsApp contact")
        verbose_name_plural = _("WhatsApp contacts")

    def __str__(self) -> str:
        return self.wa_id


class InboundWhatsApp(models.Model):
    """One webhook POST exactly as received (the dead-letter list when processing fails)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(
        WhatsAppAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    raw = models.TextField(_("raw body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    status_count = models.PositiveIntegerField(_("status updates"), default=0)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "-received_at"], name="wa_inbound_status_idx")]
        verbose_name = _("inbound WhatsApp payload")
        verbose_name_plural = _("inbound WhatsApp payloads")

    def __str__(self) -> str:
        return f"{self.pk}:{self.status}"

    @property
    def status_tone(self) -> str:
        return {"processed": "ok", "failed": "danger", "ignored": "", "received": "info"}.get(self.status, "")


class OutboundWhatsApp(models.Model):
    """One message sent (or refused) through the Cloud API for a helpdesk message.

    Unique per helpdesk message: the receiver commits this row before the HTTP call, and a
    retry that finds it sent does nothing.
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        TEMPLATE = "template", _("Template")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(WhatsAppAccount, null=True, on_delete=models.SET_NULL, related_name="outbound")
    message = models.OneToOneField(
        "helpdesk.Message", on_delete=models.CASCADE, related_name="whatsapp_outbound"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    template = models.ForeignKey(
        WhatsAppTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="sends"
    )
    params = models.JSONField(_("template parameters"), default=list, blank=True)
    to = models.CharField(_("to"), max_length=32, blank=True)
    wamid = models.CharField(_("WhatsApp message id"), max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Files of the reply go as separate media messages after the text: [{"attachment_id", "wamid"}].
    media_sent = models.JSONField(_("files sent"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    status_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound WhatsApp message")
        verbose_name_plural = _("outbound WhatsApp messages")

    def __str__(self) -> str:
        return f"{self.message_id}:{self.status}"
