"""Live web chat: the embeddable widget's settings and each visitor's chat session.

The conversation itself is a helpdesk ticket (channel "web_chat"): a session only links a
browser (by a hashed token kept in the visitor's localStorage) to its customer and ticket.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


def new_widget_key() -> str:
    return secrets.token_urlsafe(12)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def origin_of(url: str) -> str:
    """The origin of a URL, lower case: https://shop.example:8443/path -> https://shop.example:8443 ("" if none)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


class WidgetConfig(TimeStampedModel):
    """One embeddable chat widget: where it may run, what it says, who answers and when.

    `key` is public (it is in the snippet); `allowed_origins` is what stops another site from
    embedding it (the browser's Origin header is checked on every socket).
    """

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("key"), max_length=40, unique=True, default=new_widget_key)
    is_active = models.BooleanField(_("active"), default=True)
    allowed_origins = models.JSONField(
        _("allowed origins"), default=list, blank=True,
        help_text=_("Sites that may embed the widget, e.g. https://shop.example.com"),
    )  # fmt: skip
    greeting_es = models.CharField(_("greeting (Spanish)"), max_length=300, blank=True)
    greeting_en = models.CharField(_("greeting (English)"), max_length=300, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f6feb")
    teams = models.ManyToManyField(
        "accounts.Team", verbose_name=_("teams"), blank=True, related_name="chat_widgets",
        help_text=_("Agents of these teams answer; none selected: any agent."),
    )  # fmt: skip
    calendar = models.ForeignKey(
        "core.BusinessCalendar", verbose_name=_("business hours"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    offline_form_enabled = models.BooleanField(_("offline form"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")

    def __str__(self) -> str:
        return self.name

    def greeting(self, language: str) -> str:
        return (self.greeting_en if language == "en" else self.greeting_es) or ""

    def origin_allowed(self, origin: str) -> bool:
        from django.conf import settings

        wanted = origin_of(origin)
        if not wanted:
            return False
        allowed = {origin_of(o) for o in self.allowed_origins or []}
        allowed.add(origin_of(settings.BASE_URL))  # the demo page and the portal itself
        return wanted in allowed


class ChatSession(TimeStampedModel):
    """One visitor's conversation through a widget: browser token -> customer -> ticket.

    Open while the visitor is around; ended when their socket has been gone for a while, after
    which agent replies reach them by email on the same ticket.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ENDED = "ended", _("Ended")

    widget = models.ForeignKey(
        WidgetConfig, verbose_name=_("widget"), on_delete=models.CASCADE, related_name="sessions"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chat_sessions",
    )  # fmt: skip
    ticket = models.ForeignKey(
        "helpdesk.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chat_sessions",
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    language = models.CharField(_("language"), max_length=8, default="es")
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    connections = models.IntegerField(_("open sockets"), default=0)
    agent_read_at = models.DateTimeField(_("read by an agent at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    page_url = models.URLField(_("page"), max_length=500, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-last_seen_at"], name="chat_session_status_idx"),
            models.Index(fields=["ticket", "status"], name="chat_session_ticket_idx"),
        ]
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.status})"

    @property
    def thread_key(self) -> str:
        """The ticket thread key of this conversation (channel web_chat)."""
        return f"chat-session:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
