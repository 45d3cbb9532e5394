"""Staff users, roles, teams, skills and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    ANALYST = "analyst", _("Analyst")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Team(TimeStampedModel):
    """A department that tickets are routed to (e.g. Technical support, Returns)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("team email"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something an agent can handle, for skills-based routing: a language or a product line."""

    class Kind(models.TextChoices):
        LANGUAGE = "language", _("Language")
        PRODUCT_LINE = "product_line", _("Product line")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="skill_kind_code_unique")]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Customers are not users: they live in customers.Customer."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(
        _("language"), max_length=8, default="es", choices=[("es", "Español"), ("en", "English")]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default=Availability.OFFLINE
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=20, help_text=_("Open tickets at most."))
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="members")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="agents")

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(TimeStampedModel):
    """A bearer token for the REST API. Only its SHA-256 hash is stored; the secret is shown once."""

    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
