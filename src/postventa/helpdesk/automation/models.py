"""Routing rules, team assignment, macros, triggers and time-based automations.

Conditions are JSON objects whose keys come from a closed vocabulary (see conditions.py). The
vocabulary only describes the request (channel, language, product, keywords...) and the
customer's business labels (tags, segments): it has no key for protected attributes (gender,
nationality, age, religion, health...), so no rule can ever route or act on them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class RoutingRule(TimeStampedModel):
    """Sends a new ticket to a team when all its conditions hold; the lowest position wins.

    `conditions` keys: channels, languages, categories (slugs of the linked order's products'
    categories), products (SKUs), customer_tags, segments (ids), keywords. Each is a list
    matched as "any of"; keys are combined with "and"; an empty object matches every ticket.
    Protected attributes have no key in this vocabulary, on purpose: routing never uses them.
    """

    position = models.PositiveIntegerField(_("position"), default=100)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="routing_rules"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class AssignmentMode(models.TextChoices):
    MANUAL = "manual", _("Manual (agents claim)")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
    SKILLS = "skills", _("Skills (language, product line)")


class TeamAssignmentConfig(models.Model):
    """How a team's new tickets find an agent; `cursor_user_id` is the round robin's last pick."""

    team = models.OneToOneField(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="assignment_config"
    )
    mode = models.CharField(
        _("mode"), max_length=14, choices=AssignmentMode.choices, default=AssignmentMode.MANUAL
    )
    cursor_user_id = models.BigIntegerField(_("last agent picked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["team_id"]
        verbose_name = _("team assignment")
        verbose_name_plural = _("team assignments")

    def __str__(self) -> str:
        return f"{self.team_id}:{self.mode}"


class Macro(TimeStampedModel):
    """A canned reply (Spanish and English) with placeholders, plus field changes to apply.

    Shared macros are for everyone (supervisors manage them); personal ones belong to `owner`.
    `actions` keys: status, priority, team_id, add_tags, remove_tags.
    """

    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    shared = models.BooleanField(_("shared"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="macros",
    )  # fmt: skip
    body_es = models.TextField(_("reply (Spanish)"), blank=True)
    body_en = models.TextField(_("reply (English)"), blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name


class TriggerEvent(models.TextChoices):
    CREATED = "ticket.created", _("Ticket created")
    MESSAGE = "ticket.message_added", _("Customer message received")
    UPDATED = "ticket.updated", _("Ticket updated")


class Trigger(TimeStampedModel):
    """Event-condition-action: when `event` happens and `conditions` hold, apply `actions`.

    conditions: channels, priorities, statuses, keywords, customer_tags.
    actions: priority, status, team_id, assignee_id, add_tags, remove_tags, email_macro_id.
    Changes made by triggers and automations never fire triggers again (see AutomationOrigin).
    """

    position = models.PositiveIntegerField(_("position"), default=100)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    event = models.CharField(_("event"), max_length=30, choices=TriggerEvent.choices)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    seed_key = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")

    def __str__(self) -> str:
        return self.name


class Automation(TimeStampedModel):
    """A time-based rule checked every few minutes: tickets in `status` for `hours` get `actions`.

    conditions: status (required), hours (time in that status), no_customer_reply (bool).
    actions: status, priority, add_tags, remove_tags, remind (bool: email the customer), email_macro_id.
    Each ticket gets the actions at most once per period in that status (AutomationRun).
    """

    position = models.PositiveIntegerField(_("position"), default=100)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    seed_key = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("automation")
        verbose_name_plural = _("automations")

    def __str__(self) -> str:
        return self.name


class TriggerRun(models.Model):
    """A trigger fired for a ticket on one event: at most once per event, and capped per ticket."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trigger", "event_id"], name="trigger_run_once_per_event")
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="trigger_run_ticket_idx")]
        verbose_name = _("trigger run")
        verbose_name_plural = _("trigger runs")

    def __str__(self) -> str:
        return f"{self.trigger_id}:{self.ticket_id}:{self.event_id}"


class AutomationRun(models.Model):
    """An automation acted on a ticket in one period (the status spell it matched): never twice."""

    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=60)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["automation", "ticket", "period"], name="automation_run_once_per_period"
            )
        ]
        verbose_name = _("automation run")
        verbose_name_plural = _("automation runs")

    def __str__(self) -> str:
        return f"{self.automation_id}:{self.ticket_id}:{self.period}"


class AutomationOrigin(models.Model):
    """Marks a ticket event as produced by routing, a trigger or an automation.

    Triggers skip these events: a trigger's own change can never set off another round.
    """

    event_id = models.UUIDField(unique=True)
    source = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("automation origin")
        verbose_name_plural = _("automation origins")

    def __str__(self) -> str:
        return f"{self.event_id}:{self.source}"
