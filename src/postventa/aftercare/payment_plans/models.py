"""Interest-free payment plans: a principal split into instalments that always sum to it.

By construction there is nothing here that could charge more than the principal: no rate, no
charge for paying after the due date, no extra amount of any kind. Amounts are written once, when
the schedule is made, and never change (tests/payment_plans check both facts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField


class PlanSequence(models.Model):
    """Counter behind PLAN-<year>-<n>, one row per year, locked while used."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = _("payment plan number sequence")
        verbose_name_plural = _("payment plan number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class PaymentPlan(TimeStampedModel):
    """A repair total or an order split into equal instalments, with no interest and no charges."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Interval(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        CUSTOM = "custom", _("Every N days")

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payment_plans",
    )
    repair = models.ForeignKey(
        "repairs.RepairOrder",
        verbose_name=_("repair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_plans",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_plans",
    )
    principal = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    instalment_count = models.PositiveSmallIntegerField(_("number of instalments"))
    interval = models.CharField(
        _("interval"), max_length=10, choices=Interval.choices, default=Interval.MONTHLY
    )
    interval_days = models.PositiveSmallIntegerField(_("days between instalments"), null=True, blank=True)
    first_due_on = models.DateField(_("first due date"))
    # The customer's zone when the plan was made: due dates are days there.
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gt=0), name="paymentplan_principal_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(instalment_count__gte=1), name="paymentplan_count_positive"
            ),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="plan_customer_idx")]
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One payment of a plan. `amount` is fixed at creation; paying after the due date changes nothing."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due date"), db_index=True)
    amount = MoneyField(_("amount"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, db_index=True
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="instalment_sequence_per_plan"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.sequence}"
