"""SLA policies and each ticket's SLA clocks (one row per ticket and metric).

Rows are written only by helpdesk.sla.services; the ticket's own SLA columns (due times and
breach flags) are a denormalised copy for the inbox, this table is the full record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaPolicy(TimeStampedModel):
    """Targets (in business minutes) for tickets that match its conditions; the first match wins.

    `conditions` holds lists, each one optional (empty = any):
    {"priorities": [...], "channels": [...], "types": [...], "customer_tags": [...], "segment_id": 3}.
    `priority_overrides` is {"urgent": {"first_response": 30, "resolution": 240}, ...}.
    A policy without a calendar counts in the default business calendar (services.schedule_for);
    round the clock only while no calendar exists, or in a calendar open 24 hours every day.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    calendar = models.ForeignKey(
        "core.BusinessCalendar", verbose_name=_("business calendar"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sla_policies",
    )  # fmt: skip
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"), null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"), null=True, blank=True)
    priority_overrides = models.JSONField(_("targets per priority"), default=dict, blank=True)
    warn_before_minutes = models.PositiveIntegerField(_("warn before (minutes)"), default=30)
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("notify at breach"), blank=True, related_name="+"
    )
    raise_priority = models.BooleanField(_("raise priority one step at breach"), default=False)
    reassign_team = models.ForeignKey(
        "accounts.Team", verbose_name=_("reassign to team at breach"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reassign_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reassign to agent at breach"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, metric: str, priority: str) -> int | None:
        """The target for `metric` at `priority`: the override if set, else the policy's own."""
        override = (self.priority_overrides or {}).get(priority) or {}
        value = override.get(metric)
        if isinstance(value, int) and value > 0:
            return value
        return getattr(self, f"{metric}_minutes")


class TicketSla(models.Model):
    """One SLA clock of one ticket: when it started, how long it was paused, when it is due.

    `paused_seconds` is business time spent pending on the customer, on hold or solved, counted
    from `started_at`; `due_at` = started_at + target + paused in business time. The next-response
    clock restarts on each unanswered customer message (`cycle` counts restarts, `breach_count`
    keeps the misses of earlier cycles for analytics).
    """

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    started_at = models.DateTimeField(_("started at"))
    paused_seconds = models.PositiveBigIntegerField(_("paused (seconds)"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    warning_sent_at = models.DateTimeField(null=True, blank=True)
    breach_sent_at = models.DateTimeField(null=True, blank=True)
    cycle = models.PositiveIntegerField(default=1)
    breach_count = models.PositiveIntegerField(_("breaches"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ticket", "metric"]
        constraints = [models.UniqueConstraint(fields=["ticket", "metric"], name="ticket_sla_once")]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="ticket_sla_due_idx",
                condition=models.Q(achieved_at__isnull=True, breached_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at"],
                name="ticket_sla_warn_idx",
                condition=models.Q(achieved_at__isnull=True, warned_at__isnull=True),
            ),
        ]
        verbose_name = _("ticket SLA clock")
        verbose_name_plural = _("ticket SLA clocks")

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.metric} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.achieved_at is None and self.paused_since is None
