"""Interest-free payment plans: every write. Staff actions need "plans.change".

No function here computes anything but a split of the principal: a late payment or an overdue
mark changes a status, never an amount.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.payment_plans import schedule
from postventa.aftercare.payment_plans.models import Instalment, PaymentPlan, PlanSequence
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.money import to_money
from postventa.core.permissions import require

log = logging.getLogger(__name__)

# Repair statuses in which the customer has accepted a price (so it can be split).
REPAIR_APPROVED_STATUSES = frozenset(
    {"approved", "in_repair", "waiting_parts", "repaired", "returned", "closed"}
)


def reminder_days() -> tuple[int, ...]:
    days = getattr(settings, "PAYMENT_PLAN_REMINDER_DAYS", (7, 1))
    return tuple(sorted({int(d) for d in days if int(d) >= 0}))


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "Europe/Madrid")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Madrid")


def local_today(time_zone: str, now: dt.datetime) -> dt.date:
    return now.astimezone(zone(time_zone)).date()


def _next_number(now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    seq, _created = PlanSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"PLAN-{year}-{seq.last_value:06d}"


def _amount(value, *, what: str) -> Decimal:
    try:
        amount = to_money(value)
    except ValueError:
        raise ValidationFailed(_("%(what)s is not an amount.") % {"what": what}, code="bad_amount")
    return amount


def _payload(plan: PaymentPlan, **extra) -> dict:
    return {
        "plan_id": plan.pk,
        "number": plan.number,
        "customer_id": plan.customer_id,
        "repair_id": plan.repair_id,
        "order_id": plan.order_id,
        "principal": plan.principal,
        "currency": plan.currency,
        "instalment_count": plan.instalment_count,
        "status": plan.status,
        **extra,
    }


def _source(*, customer, repair, order) -> tuple[object, Decimal, str]:
    """(customer, the most that may be split, currency) of the repair or order behind the plan."""
    if (repair is None) == (order is None):
        raise ValidationFailed(_("A payment plan is made for one repair or one order."), code="plan_source")
    if repair is not None:
        from postventa.aftercare.repairs.selectors import quote_summary

        if repair.under_warranty:
            raise ValidationFailed(
                _("This repair is under warranty: the customer pays nothing, so there is nothing to split."),
                code="repair_free",
            )
        if repair.status not in REPAIR_APPROVED_STATUSES or repair.quote_decided_at is None:
            raise ValidationFailed(
                _("The customer must approve the repair quote before it can be split."),
                code="quote_not_approved",
            )
        return repair.customer, quote_summary(repair)["customer_total"], repair.currency
    if order.status in ("cancelled", "rejected"):
        raise ValidationFailed(_("A cancelled order cannot be split."), code="order_cancelled")
    return order.customer, to_money(order.total), order.currency


@transaction.atomic
def create_plan(
    *,
    actor,
    instalments: int,
    repair=None,
    order=None,
    principal: Decimal | str | None = None,
    amounts: Sequence[Decimal | str] | None = None,
    interval: str = PaymentPlan.Interval.MONTHLY,
    interval_days: int | None = None,
    first_due_on: dt.date | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> PaymentPlan:
    """Split a repair's approved total (or an order's total) into `instalments` payments with no interest.

    `principal` defaults to the whole total (a smaller one means the rest was paid up front).
    `amounts` optionally gives a custom split; it must have `instalments` positive amounts that sum
    exactly to the principal. Otherwise the split is even, remainder cents on the first instalments.
    """
    require(actor, "plans.change")
    now = now or timezone.now()
    if not isinstance(instalments, int) or isinstance(instalments, bool):
        raise ValidationFailed(_("The number of instalments must be a whole number."), code="bad_count")
    if instalments < 1 or instalments > schedule.MAX_INSTALMENTS:
        raise ValidationFailed(
            _("The number of instalments must be between 1 and %(max)s.") % {"max": schedule.MAX_INSTALMENTS},
            code="bad_count",
        )
    customer, available, currency = _source(customer=None, repair=repair, order=order)
    if customer.erased_at:
        raise ValidationFailed(_("This customer's data was erased."), code="customer_erased")
    total = (
        available
        if principal is None or str(principal).strip() == ""
        else _amount(principal, what=_("The amount"))
    )
    if total <= 0:
        raise ValidationFailed(_("The amount to split must be greater than zero."), code="bad_amount")
    if total > available:
        raise ValidationFailed(
            _("The amount to split (%(amount)s) is more than the total (%(total)s).")
            % {"amount": total, "total": available},
            code="amount_too_large",
        )
    if total > schedule.MAX_PRINCIPAL:
        raise ValidationFailed(_("The amount is too large for a payment plan."), code="bad_amount")
    if amounts is not None and len(amounts) > 0:
        parts = [_amount(a, what=_("An instalment")) for a in amounts]
        if len(parts) != instalments:
            raise ValidationFailed(
                _("Give one amount per instalment (%(n)s).") % {"n": instalments}, code="schedule_mismatch"
            )
        if any(p <= 0 for p in parts):
            raise ValidationFailed(_("Every instalment must be greater than zero."), code="bad_amount")
        if sum(parts) != total:
            raise ValidationFailed(
                _("The instalments add up to %(sum)s, not %(total)s: a plan must sum exactly to the amount.")
                % {"sum": sum(parts), "total": total},
                code="schedule_mismatch",
            )
    else:
        if int(total * 100) < instalments:
            raise ValidationFailed(_("The amount is too small for that many instalments."), code="bad_amount")
        parts = schedule.split(total, instalments)
    if interval not in PaymentPlan.Interval.values:
        raise ValidationFailed(_("The interval must be monthly or every N days."), code="bad_interval")
    if interval == PaymentPlan.Interval.CUSTOM:
        if not isinstance(interval_days, int) or not 1 <= interval_days <= 365:
            raise ValidationFailed(_("Days between instalments must be from 1 to 365."), code="bad_interval")
    else:
        interval_days = None
    today = local_today(customer.time_zone, now)
    first = first_due_on or schedule.add_months(today, 1)
    if first < today:
        raise ValidationFailed(_("The first due date cannot be in the past."), code="bad_first_due")
    if first > today + dt.timedelta(days=366):
        raise ValidationFailed(_("The first due date must be within a year."), code="bad_first_due")
    source_filter = {"repair": repair} if repair is not None else {"order": order}
    if PaymentPlan.objects.filter(status=PaymentPlan.Status.ACTIVE, **source_filter).exists():
        raise Conflict(_("There is already an active payment plan for this."), code="plan_exists")
    plan = PaymentPlan.objects.create(
        number=_next_number(now),
        customer=customer,
        repair=repair,
        order=order,
        principal=total,
        currency=currency,
        instalment_count=instalments,
        interval=interval,
        interval_days=interval_days,
        first_due_on=first,
        time_zone=customer.time_zone or "Europe/Madrid",
        notes=(notes or "").strip()[:2000],
        created_by=actor,
        created_at=now,
    )
    dates = schedule.due_dates(first, instalments, interval=interval, interval_days=interval_days)
    Instalment.objects.bulk_create(
        [
            Instalment(plan=plan, sequence=i, due_on=day, amount=amount, created_at=now)
            for i, (day, amount) in enumerate(zip(dates, parts, strict=True), start=1)
        ]
    )
    audit.record(actor=actor, action="payment_plan.created", target=plan, changes={"principal": str(total)})
    emit(
        "payment_plan.created",
        payload=_payload(
            plan, schedule=[{"due_on": d, "amount": a} for d, a in zip(dates, parts, strict=True)]
        ),
        customer_id=plan.customer_id,
        actor_id=actor.pk,
    )
    return plan


def _lock_plan(plan_id: int) -> PaymentPlan:
    return PaymentPlan.objects.select_for_update().select_related("customer").get(pk=plan_id)


@transaction.atomic
def record_payment(
    *, actor, instalment: Instalment, reference: str = "", now: dt.datetime | None = None
) -> Instalment:
    """Mark an instalment paid (in full: its amount never changes, however late)."""
    require(actor, "plans.change")
    now = now or timezone.now()
    plan = _lock_plan(instalment.plan_id)
    inst = Instalment.objects.select_for_update().get(pk=instalment.pk)
    if plan.status != PaymentPlan.Status.ACTIVE:
        raise Conflict(_("This payment plan is not active."), code="plan_not_active")
    if inst.status == Instalment.Status.PAID:
        raise Conflict(_("This instalment is already paid."), code="already_paid")
    was = inst.status
    inst.status = Instalment.Status.PAID
    inst.paid_at = now
    inst.payment_reference = (reference or "").strip()[:120]
    inst.recorded_by = actor
    inst.save(update_fields=["status", "paid_at", "payment_reference", "recorded_by"])
    audit.record(
        actor=actor, action="instalment.paid", target=plan, changes={"instalment": inst.sequence, "was": was}
    )
    emit(
        "instalment.paid",
        payload=_payload(
            plan,
            instalment_id=inst.pk,
            sequence=inst.sequence,
            amount=inst.amount,
            due_on=inst.due_on,
            was=was,
        ),
        customer_id=plan.customer_id,
        actor_id=actor.pk,
    )
    if not plan.instalments.exclude(status=Instalment.Status.PAID).exists():
        plan.status = PaymentPlan.Status.COMPLETED
        plan.completed_at = now
        plan.save(update_fields=["status", "completed_at", "updated_at"])
        emit(
            "payment_plan.completed", payload=_payload(plan), customer_id=plan.customer_id, actor_id=actor.pk
        )
    return inst


@transaction.atomic
def cancel_plan(*, actor, plan: PaymentPlan, reason: str = "", now: dt.datetime | None = None) -> PaymentPlan:
    require(actor, "plans.change")
    now = now or timezone.now()
    plan = _lock_plan(plan.pk)
    if plan.status != PaymentPlan.Status.ACTIVE:
        raise Conflict(_("Only an active payment plan can be cancelled."), code="plan_not_active")
    plan.status = PaymentPlan.Status.CANCELLED
    plan.cancelled_at = now
    if reason.strip():
        plan.notes = (plan.notes + "\n" + reason.strip()).strip()[:2000]
    plan.save(update_fields=["status", "cancelled_at", "notes", "updated_at"])
    audit.record(actor=actor, action="payment_plan.cancelled", target=plan, changes={"reason": reason})
    emit(
        "payment_plan.cancelled",
        payload=_payload(plan, reason=reason),
        customer_id=plan.customer_id,
        actor_id=actor.pk,
    )
    return plan


def mark_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark unpaid instalments whose due day has passed (in the plan's zone) as overdue.

    Only the status changes: no amount is added, ever. Returns how many were marked.
    """
    now = now or timezone.now()
    # The earliest "today" anywhere is UTC-12: anything due before it might be overdue somewhere.
    horizon = (now - dt.timedelta(hours=14)).date()
    candidates = (
        Instalment.objects.filter(
            status=Instalment.Status.DUE, plan__status=PaymentPlan.Status.ACTIVE, due_on__lte=horizon
        )
        .select_related("plan")
        .order_by("plan_id", "sequence")
    )
    marked = 0
    for inst in candidates:
        if inst.due_on >= local_today(inst.plan.time_zone, now):
            continue
        with transaction.atomic():
            updated = Instalment.objects.filter(pk=inst.pk, status=Instalment.Status.DUE).update(
                status=Instalment.Status.OVERDUE
            )
            if updated:
                emit(
                    "instalment.overdue",
                    payload=_payload(
                        inst.plan,
                        instalment_id=inst.pk,
                        sequence=inst.sequence,
                        amount=inst.amount,
                        due_on=inst.due_on,
                    ),
                    customer_id=inst.plan.customer_id,
                )
                marked += 1
    return marked


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind customers of instalments coming due (PAYMENT_PLAN_REMINDER_DAYS before, e.g. 7 and 1).

    Idempotent per instalment and reminder: run it as often as you like. Returns how many
    notifications were written this time.
    """
    from postventa.notifications.models import Notification
    from postventa.notifications.services import NotificationNotSent, notify_customer

    now = now or timezone.now()
    days = reminder_days()
    if not days:
        return 0
    window_end = (now + dt.timedelta(days=max(days) + 1)).date()
    rows = (
        Instalment.objects.filter(
            status=Instalment.Status.DUE, plan__status=PaymentPlan.Status.ACTIVE, due_on__lte=window_end
        )
        .select_related("plan__customer")
        .order_by("due_on", "id")
    )
    written = 0
    for inst in rows:
        plan = inst.plan
        days_left = (inst.due_on - local_today(plan.time_zone, now)).days
        if days_left < 0 or days_left > max(days):
            continue
        step = min(d for d in days if d >= days_left)
        key = f"plan:{plan.pk}:instalment:{inst.sequence}:reminder:{step}"
        if Notification.objects.filter(idempotency_key=key).exists() or plan.customer.erased_at:
            continue
        from postventa.aftercare.payment_plans.selectors import notification_context

        try:
            notify_customer(
                customer=plan.customer,
                template="instalment_reminder",
                context=notification_context(plan, inst, days_left=days_left),
                idempotency_key=key,
                related=plan,
                now=now,
            )
        except NotificationNotSent:
            log.warning("reminder %s not sent; the notifications sweep retries it", key)
        written += 1
    return written


def instalment_get_for_update(plan: PaymentPlan, sequence: int) -> Instalment:
    inst = plan.instalments.filter(sequence=sequence).first()
    if inst is None:
        raise NotFound(_("That instalment does not exist."), code="instalment_not_found")
    return inst
