"""Mailboxes, every inbound email as received (raw first), and every outbound email sent."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Mailbox(TimeStampedModel):
    """An address customers write to, read by IMAP polling and/or the SMTP/LMTP listener.

    The IMAP password is stored as given (the worker needs it in clear to log in); it is never
    shown back in the console or the API: forms leave it empty to keep the current one.
    """

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    imap_enabled = models.BooleanField(_("IMAP polling"), default=False)
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over SSL"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=300, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    poll_interval_seconds = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)
    inbound_smtp_enabled = models.BooleanField(_("SMTP/LMTP delivery"), default=False)
    default_team_id = models.BigIntegerField(_("default team"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_poll_error = models.TextField(_("last poll error"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1].lower()


class InboundEmail(models.Model):
    """One received email: the raw bytes are saved before any parsing, so no message is ever lost.

    `failed` rows are the dead-letter list: an admin retries them once the cause is fixed.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP")
        SMTP = "smtp", _("SMTP/LMTP")
        UPLOAD = "upload", _("Upload")

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.IMAP)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True, db_index=True)
    from_address = models.CharField(_("from"), max_length=300, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True)
    helpdesk_message_id = models.BigIntegerField(_("message"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="mail_inbound_status_idx"),
            models.Index(fields=["from_address", "received_at"], name="mail_inbound_from_idx"),
        ]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")

    def __str__(self) -> str:
        return f"{self.pk} {self.status} {self.message_id}"

    @property
    def status_tone(self) -> str:
        return {"processed": "ok", "ignored": "", "failed": "danger", "received": "info"}.get(self.status, "")


class OutboundEmail(models.Model):
    """The one email sent for one helpdesk message: committed before the SMTP send (idempotency)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    helpdesk_message_id = models.BigIntegerField(_("message"), unique=True)
    ticket_id = models.BigIntegerField(_("ticket"), db_index=True)
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rfc_message_id = models.CharField(_("Message-ID"), max_length=300, unique=True)
    to_address = models.CharField(_("to"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")

    def __str__(self) -> str:
        return self.rfc_message_id
