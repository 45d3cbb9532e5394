"""Tickets, their conversation (messages, attachments), history, thread keys and saved views.

Every write goes through helpdesk.services; these classes only hold rows and small invariants.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Channel(models.TextChoices):
    """Where a ticket or a message came from (or went out through)."""

    EMAIL = "email", _("Email")
    WEB_CHAT = "web_chat", _("Web chat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    CONSOLE = "console", _("Console")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending on customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# Statuses an agent still has to act on (the inbox's default "unsolved" view).
UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
STATUS_TONES = {
    Status.NEW: "info",
    Status.OPEN: "warn",
    Status.PENDING: "",
    Status.ON_HOLD: "",
    Status.SOLVED: "ok",
    Status.CLOSED: "",
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_TONES = {Priority.LOW: "", Priority.NORMAL: "", Priority.HIGH: "warn", Priority.URGENT: "danger"}


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    COMPLAINT = "complaint", _("Complaint")
    ORDER_ISSUE = "order_issue", _("Order issue")
    OTHER = "other", _("Other")


class TicketTag(models.Model):
    """A label on tickets (e.g. "refund", "broken-screen"); separate from customer tags."""

    name = models.SlugField(_("name"), max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")

    def __str__(self) -> str:
        return self.name


class TicketSequence(models.Model):
    """The counter behind human ticket numbers (1001, 1002, ...): one row, locked while used.

    A counter row rather than max(number)+1, so two concurrent creates on PostgreSQL never pick
    the same number.
    """

    name = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(default=1000)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ticket sequence")
        verbose_name_plural = _("ticket sequences")

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class Ticket(TimeStampedModel):
    """One customer request, across every channel, from the first message until it is closed.

    The measured-at-source fields (first_response_at, counts, handle time...) are kept current by
    the services, so analytics never has to reconstruct them from the messages.
    """

    number = models.PositiveBigIntegerField(_("number"), unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=12, choices=TicketType.choices, default=TicketType.QUESTION)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tickets",
    )  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_tickets",
    )  # fmt: skip
    tags = models.ManyToManyField(TicketTag, verbose_name=_("tags"), blank=True, related_name="tickets")
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tickets",
    )  # fmt: skip
    asset = models.ForeignKey(
        "catalog.Asset", verbose_name=_("product unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tickets",
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=8, default="es")

    # Measured at the source.
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("last customer message at"), null=True, blank=True)
    last_agent_message_at = models.DateTimeField(_("last agent message at"), null=True, blank=True)
    customer_message_count = models.PositiveIntegerField(_("customer messages"), default=0)
    agent_reply_count = models.PositiveIntegerField(_("agent replies"), default=0)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    handle_time_seconds = models.PositiveIntegerField(_("handle time (seconds)"), default=0)

    # Filled by the SLA module; nullable until a policy applies.
    sla_policy_id = models.BigIntegerField(_("SLA policy"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_first_response_breached = models.BooleanField(_("first response SLA breached"), null=True, blank=True)
    sla_resolution_breached = models.BooleanField(_("resolution SLA breached"), null=True, blank=True)

    # Links between tickets.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="merged_from",
    )  # fmt: skip
    problem = models.ForeignKey(
        "self", verbose_name=_("problem"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="incidents",
    )  # fmt: skip
    follow_up_of = models.ForeignKey(
        "self", verbose_name=_("follow-up of"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="follow_ups",
    )  # fmt: skip
    split_from = models.ForeignKey(
        "self", verbose_name=_("split from"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="splits",
    )  # fmt: skip

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="ticket_status_upd_idx"),
            models.Index(fields=["team", "status", "-updated_at"], name="ticket_team_status_idx"),
            models.Index(fields=["assignee", "status", "-updated_at"], name="ticket_assignee_status_idx"),
            models.Index(fields=["priority", "status"], name="ticket_priority_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["channel", "-created_at"], name="ticket_channel_idx"),
            # The inbox's SLA views (overdue, due soon): a range on each due time of running
            # tickets; SQLite ORs the three (MULTI-INDEX OR) instead of scanning 1M tickets.
            models.Index(fields=["status", "first_response_due_at"], name="ticket_sla_first_due_idx"),
            models.Index(fields=["status", "next_response_due_at"], name="ticket_sla_next_due_idx"),
            models.Index(fields=["status", "resolution_due_at"], name="ticket_sla_res_due_idx"),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def token(self) -> str:
        """The subject token channels put in outgoing mail so replies thread back: "[#1234]"."""
        return f"[#{self.number}]"

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "")

    @property
    def priority_tone(self) -> str:
        return PRIORITY_TONES.get(self.priority, "")

    @property
    def is_unsolved(self) -> bool:
        return self.status in UNSOLVED


class TicketThreadKey(models.Model):
    """An external conversation key that finds its ticket: an email Message-ID, a chat session, a wa_id.

    Channels record the keys of every inbound and outbound message, then look the ticket up by
    any key a new message carries (In-Reply-To, References, the chat session...).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="thread_keys")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    key = models.CharField(_("key"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="ticket_thread_key_unique")]
        verbose_name = _("thread key")
        verbose_name_plural = _("thread keys")

    def __str__(self) -> str:
        return f"{self.channel}:{self.key}"


class Message(models.Model):
    """One entry of a ticket's conversation: a public reply, an internal note or a system line.

    `body_text` is always filled (plain text is what search, previews and SMS read);
    `body_html` is sanitised with nh3 before it is stored, never at display time.
    """

    class Kind(models.TextChoices):
        PUBLIC_REPLY = "public_reply", _("Public reply")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        SYSTEM = "system", _("System")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Delivery(models.TextChoices):
        NONE = "", _("Not applicable")
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.PUBLIC_REPLY)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    author_customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer author"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="ticket_messages",
    )  # fmt: skip
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff author"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="ticket_messages",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentions"), blank=True, related_name="ticket_mentions"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    external_id = models.CharField(_("external id"), max_length=300, null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.NONE, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    raw_ref = models.CharField(_("raw payload reference"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="message_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_idx"),
            models.Index(fields=["delivery_status"], name="message_delivery_idx"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}:{self.pk}"

    @property
    def is_note(self) -> bool:
        return self.kind == self.Kind.INTERNAL_NOTE

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return str(self.author_user)
        if self.author_customer_id:
            return self.author_customer.display_name
        return ""


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random folder per file: the original name is kept for download, but two uploads with the
    # same name never overwrite each other and paths cannot be guessed.
    base = os.path.basename(filename or "file")[-120:] or "file"
    return f"tickets/{instance.ticket_id}/{uuid.uuid4().hex}/{base}"


class Attachment(models.Model):
    """A file on a ticket's message, stored through Django storage and served only after a check.

    `message` is empty while an upload waits to be sent with a reply (staged upload).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketChange(models.Model):
    """One field change on a ticket (who, when, old -> new): the ticket's history tab."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="ticket_change_idx")]
        verbose_name = _("ticket change")
        verbose_name_plural = _("ticket history")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}: {self.old_value} -> {self.new_value}"


class SavedView(TimeStampedModel):
    """A named inbox filter; private to `user`, or shared with everyone when `user` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="ticket_views"
    )
    name = models.CharField(_("name"), max_length=80)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.user_id is None


class PortalLoginToken(models.Model):
    """A one-time sign-in link for the customer portal: only the SHA-256 of the secret is kept."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_login_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("portal sign-in link")
        verbose_name_plural = _("portal sign-in links")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.created_at:%Y-%m-%d %H:%M}"
