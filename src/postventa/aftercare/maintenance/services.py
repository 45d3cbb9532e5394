"""Writes of maintenance: plans, reminders (sending), service visits. Owner notices: notices.py.

Which notification purpose a maintenance reminder uses, and why: Notification.Purpose offers
transactional, marketing and surveys. A reminder about a product the customer owns (service due,
filter to replace, a known weak part) is service information, not advertising, so it does not
need a marketing opt-in (LSSI art. 21 governs commercial communications) and we send it as
"transactional": a customer who withdrew transactional email gets none (the policy suppresses it),
quiet hours defer it. But unlike an order update the customer did not ask for it at that moment,
so it must not flood them: the notification policy caps only marketing and surveys, and we apply
the same weekly cap (policy.weekly_cap) to reminders and owner notices, counting them together
with the capped purposes. A reminder over the cap is HELD and retried when the week frees a slot,
never dropped and never sent early.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from postventa.aftercare.maintenance import schedule
from postventa.aftercare.maintenance.models import (
    Consumable,
    FailurePoint,
    MaintenancePlan,
    MaintenanceReminder,
    ReminderKind,
    ReminderStatus,
    ServiceVisit,
)
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record

BOOKING_SALT = "postventa.maintenance.booking"
BOOKING_LINK_DAYS = 120
BOOKING_HORIZON_DAYS = 180
# Templates of proactive messages (not asked for at that moment): counted against the weekly cap.
PROACTIVE_TEMPLATES = ("maintenance_reminder", "owner_notice")
REMINDER_KINDS = {k.value for k in ReminderKind}


# --- helpers ---------------------------------------------------------------------------------------
def _text(value, field: str, *, max_length: int, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if "\x00" in value:
        raise ValidationFailed(_("%(field)s contains an invalid character.") % {"field": field})
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code="required")
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": field, "max": max_length}
        )
    return value


def _months(value, field: str, *, required: bool = True, maximum: int = 240) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code="required")
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(field)s must be a whole number of months.") % {"field": field})
    if not 1 <= months <= maximum:
        raise ValidationFailed(
            _("%(field)s must be between 1 and %(max)s months.") % {"field": field, "max": maximum}
        )
    return months


def customer_today(customer, now: dt.datetime) -> dt.date:
    try:
        tz = zoneinfo.ZoneInfo(customer.time_zone or schedule.DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(schedule.DEFAULT_ZONE)
    return now.astimezone(tz).date()


def _plan_payload(plan: MaintenancePlan) -> dict:
    return {
        "plan_id": plan.pk,
        "product_id": plan.product_id,
        "sku": plan.product.sku,
        "interval_months": plan.interval_months,
        "effective_interval_months": plan.effective_interval,
        "lead_days": plan.lead_days,
        "is_active": plan.is_active,
        "consumables": [
            {"id": c.pk, "name_es": c.name_es, "name_en": c.name_en, "period_months": c.period_months}
            for c in plan.consumables.all()
        ],
        "failure_points": [
            {"id": f.pk, "component_es": f.component_es, "after_months": f.after_months}
            for f in plan.failure_points.all()
        ],
    }


# --- plans -----------------------------------------------------------------------------------------
@transaction.atomic
def plan_save(
    *,
    acting_user,
    product,
    interval_months=None,
    lead_days=14,
    service_es: str = "",
    service_en: str = "",
    is_active: bool = True,
) -> MaintenancePlan:
    """Create or change a product's plan (maintenance.manage); reminders are recomputed after commit."""
    require(acting_user, "maintenance.manage")
    interval = _months(interval_months, _("Service interval"), required=False)
    if interval is None and not product.maintenance_interval_months:
        raise ValidationFailed(
            _("Set a service interval: this product has no default maintenance interval."),
            code="interval_required",
        )
    try:
        lead = int(lead_days if lead_days not in (None, "") else 14)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Remind days before must be a whole number."))
    if not 0 <= lead <= 90:
        raise ValidationFailed(_("Remind days before must be between 0 and 90."))
    fields = {
        "interval_months": interval,
        "lead_days": lead,
        "service_es": _text(service_es, _("Service description (Spanish)"), max_length=2000),
        "service_en": _text(service_en, _("Service description (English)"), max_length=2000),
        "is_active": bool(is_active),
    }
    plan = MaintenancePlan.objects.select_for_update().filter(product=product).first()
    created = plan is None
    before = {} if created else audit.snapshot(plan, fields)
    if created:
        plan = MaintenancePlan(product=product)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.updated_by = acting_user if getattr(acting_user, "pk", None) else None
    plan.save()
    audit.record(
        actor=acting_user,
        action="maintenance_plan.created" if created else "maintenance_plan.updated",
        target=plan,
        changes=audit.diff(before, audit.snapshot(plan, fields)),
    )
    emit(
        "maintenance_plan.created" if created else "maintenance_plan.updated",
        payload=_plan_payload(plan),
        actor_id=getattr(acting_user, "pk", None),
    )
    return plan


def _plan_changed(acting_user, plan: MaintenancePlan, action: str, changes: dict) -> None:
    plan.updated_by = acting_user if getattr(acting_user, "pk", None) else None
    plan.save(update_fields=["updated_by", "updated_at"])
    audit.record(actor=acting_user, action=action, target=plan, changes=changes)
    emit("maintenance_plan.updated", payload=_plan_payload(plan), actor_id=getattr(acting_user, "pk", None))


@transaction.atomic
def consumable_add(
    *, acting_user, plan: MaintenancePlan, name_es: str, name_en: str = "", period_months=None,
    product=None, sku: str = "",
) -> Consumable:  # fmt: skip
    require(acting_user, "maintenance.manage")
    item = Consumable.objects.create(
        plan=plan,
        name_es=_text(name_es, _("Name (Spanish)"), max_length=120, required=True),
        name_en=_text(name_en, _("Name (English)"), max_length=120),
        period_months=_months(period_months, _("Replace every")),
        product=product,
        sku=_text(sku or (product.sku if product else ""), _("SKU"), max_length=64),
    )
    _plan_changed(
        acting_user, plan, "maintenance_plan.consumable_added", {"consumable": [None, item.name_es]}
    )
    return item


@transaction.atomic
def consumable_remove(*, acting_user, plan: MaintenancePlan, consumable_id: int) -> None:
    require(acting_user, "maintenance.manage")
    item = Consumable.objects.filter(plan=plan, pk=consumable_id).first()
    if item is None:
        raise NotFound(_("That consumable does not exist."))
    MaintenanceReminder.objects.filter(
        product_id=plan.product_id, kind=ReminderKind.CONSUMABLE, item_id=item.pk, status__in=schedule.PENDING
    ).delete()
    name = item.name_es
    item.delete()
    _plan_changed(acting_user, plan, "maintenance_plan.consumable_removed", {"consumable": [name, None]})


@transaction.atomic
def failure_point_add(
    *, acting_user, plan: MaintenancePlan, component_es: str, component_en: str = "", after_months=None,
    message_es: str = "", message_en: str = "",
) -> FailurePoint:  # fmt: skip
    require(acting_user, "maintenance.manage")
    item = FailurePoint.objects.create(
        plan=plan,
        component_es=_text(component_es, _("Component (Spanish)"), max_length=120, required=True),
        component_en=_text(component_en, _("Component (English)"), max_length=120),
        after_months=_months(after_months, _("After")),
        message_es=_text(message_es, _("Preventive message (Spanish)"), max_length=2000, required=True),
        message_en=_text(message_en, _("Preventive message (English)"), max_length=2000),
    )
    _plan_changed(
        acting_user,
        plan,
        "maintenance_plan.failure_point_added",
        {"failure_point": [None, item.component_es]},
    )
    return item


@transaction.atomic
def failure_point_remove(*, acting_user, plan: MaintenancePlan, failure_point_id: int) -> None:
    require(acting_user, "maintenance.manage")
    item = FailurePoint.objects.filter(plan=plan, pk=failure_point_id).first()
    if item is None:
        raise NotFound(_("That failure point does not exist."))
    MaintenanceReminder.objects.filter(
        product_id=plan.product_id,
        kind=ReminderKind.FAILURE_POINT,
        item_id=item.pk,
        status__in=schedule.PENDING,
    ).delete()
    name = item.component_es
    item.delete()
    _plan_changed(
        acting_user, plan, "maintenance_plan.failure_point_removed", {"failure_point": [name, None]}
    )


@transaction.atomic
def reschedule_product(*, product_id: int, now: dt.datetime | None = None) -> dict[str, int]:
    """After a plan change: drop the product's unsent reminders and write them from the new plan."""
    removed = schedule.clear_pending(product_id=product_id)
    result = schedule.schedule_reminders(now=now, product_ids=[product_id])
    return {**result, "removed": removed}


# --- sending reminders -----------------------------------------------------------------------------
def proactive_hold_until(customer, now: dt.datetime) -> dt.datetime | None:
    """When the weekly cap frees a slot for a proactive message, or None if one may go now."""
    from postventa.notifications import policy
    from postventa.notifications.models import Notification

    cap = policy.weekly_cap(customer)
    times = list(
        Notification.objects.filter(
            customer_id=customer.pk,
            status__in=policy.CAP_COUNTED,
            created_at__gt=now - dt.timedelta(days=7),
        )
        .filter(Q(purpose__in=policy.CAPPED_PURPOSES) | Q(template__in=PROACTIVE_TEMPLATES))
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(times) < cap:
        return None
    if cap <= 0:
        return now + dt.timedelta(days=7)
    return times[len(times) - cap] + dt.timedelta(days=7, seconds=1)


def booking_token(reminder: MaintenanceReminder) -> str:
    """A signed (HMAC, timestamped) token naming the reminder and its asset; tampering breaks it."""
    return signing.dumps({"r": reminder.pk, "a": reminder.asset_id}, salt=BOOKING_SALT, compress=True)


def reminder_from_token(token: str, *, max_age_days: int = BOOKING_LINK_DAYS) -> MaintenanceReminder:
    try:
        data = signing.loads(token or "", salt=BOOKING_SALT, max_age=max_age_days * 86400)
    except signing.SignatureExpired:
        raise ValidationFailed(
            _("This booking link has expired. Sign in to book a visit."), code="link_expired"
        )
    except signing.BadSignature:
        raise ValidationFailed(_("This booking link is not valid."), code="bad_link")
    if not isinstance(data, dict):
        raise ValidationFailed(_("This booking link is not valid."), code="bad_link")
    reminder = (
        MaintenanceReminder.objects.select_related("asset__product", "customer")
        .filter(pk=data.get("r"), asset_id=data.get("a"))
        .first()
    )
    if reminder is None or reminder.asset.customer_id != reminder.customer_id:
        raise ValidationFailed(_("This booking link is not valid."), code="bad_link")
    return reminder


def booking_url(reminder: MaintenanceReminder) -> str:
    path = reverse("portal:maintenance_book_link", args=[booking_token(reminder)])
    return f"{settings.BASE_URL.rstrip('/')}{path}"


def reminder_context(reminder: MaintenanceReminder, language: str) -> dict:
    """What the reminder email says, in `language` (product and item names are bilingual data)."""
    asset = reminder.asset
    plan = getattr(asset.product, "maintenance_plan", None)
    item_name = advice = ""
    with translation.override(language):
        if reminder.kind == ReminderKind.CONSUMABLE:
            item = Consumable.objects.filter(pk=reminder.item_id).first()
            item_name = item.name if item else ""
        elif reminder.kind == ReminderKind.FAILURE_POINT:
            item = FailurePoint.objects.filter(pk=reminder.item_id).first()
            item_name, advice = (item.component, item.message) if item else ("", "")
        return {
            "first_name": reminder.customer.first_name,
            "kind": reminder.kind,
            "product_name": asset.product.name,
            "serial_number": asset.serial_number,
            "due_on": reminder.due_on,
            "item_name": item_name,
            "advice": advice,
            "service": plan.service if plan else "",
            "booking_url": booking_url(reminder),
            "portal_url": f"{settings.BASE_URL.rstrip('/')}{reverse('portal:maintenance')}",
        }


def reminder_send(reminder: MaintenanceReminder, *, now: dt.datetime | None = None) -> MaintenanceReminder:
    """Send one due reminder through notify_customer, at most once (idempotency key per reminder)."""
    from postventa.notifications import rendering
    from postventa.notifications.models import Notification
    from postventa.notifications.services import NotificationNotSent, notify_customer

    now = now or timezone.now()
    reminder = MaintenanceReminder.objects.select_related("asset__product", "customer").get(pk=reminder.pk)
    if reminder.status not in schedule.PENDING:
        return reminder
    customer = reminder.customer
    if reminder.asset.customer_id != reminder.customer_id or customer.erased_at is not None:
        reminder.status, reminder.last_error = ReminderStatus.CANCELLED, _("The asset changed owner.")
        reminder.save(update_fields=["status", "last_error"])
        return reminder
    key = f"maintenance-reminder:{reminder.pk}"
    already = Notification.objects.filter(idempotency_key=key).exists()
    if not already:
        hold = proactive_hold_until(customer, now)
        if hold is not None:
            reminder.status = ReminderStatus.HELD
            reminder.send_after = hold
            reminder.last_error = _("Held: the customer reached the weekly message limit.")[:300]
            reminder.save(update_fields=["status", "send_after", "last_error"])
            return reminder
    language = rendering.language_for(customer)
    error = ""
    try:
        notification = notify_customer(
            customer=customer,
            template="maintenance_reminder",
            context=reminder_context(reminder, language),
            idempotency_key=key,
            purpose="transactional",  # see the module docstring: service information, capped by us
            related=reminder,
            now=now,
        )
    except NotificationNotSent as exc:  # recorded as failed; the notifications sweep retries it
        notification = Notification.objects.get(idempotency_key=key)
        error = str(exc)[:300]
    suppressed = notification.status == Notification.Status.SUPPRESSED
    with transaction.atomic():
        reminder.attempts += 1
        reminder.notification_id = notification.pk
        reminder.status = ReminderStatus.SUPPRESSED if suppressed else ReminderStatus.SENT
        reminder.sent_at = None if suppressed else now
        reminder.last_error = (notification.last_error if suppressed else error)[:300]
        reminder.save(update_fields=["attempts", "notification_id", "status", "sent_at", "last_error"])
        if not suppressed:
            emit(
                "maintenance_reminder.sent",
                payload={
                    "reminder_id": reminder.pk,
                    "asset_id": reminder.asset_id,
                    "product_id": reminder.product_id,
                    "kind": reminder.kind,
                    "item_id": reminder.item_id,
                    "due_on": reminder.due_on,
                    "notification_id": notification.pk,
                    "notification_status": notification.status,
                },
                customer_id=customer.pk,
            )
    return reminder


def reminders_send_due(*, now: dt.datetime | None = None, batch: int = 200, max_batches: int = 50) -> dict:
    """Send every reminder whose send time has come, in batches. Safe to run concurrently and again."""
    now = now or timezone.now()
    counts = {"sent": 0, "held": 0, "suppressed": 0, "cancelled": 0}
    done: set[int] = set()
    for _round in range(max_batches):
        ids = list(
            MaintenanceReminder.objects.filter(status__in=schedule.PENDING, send_after__lte=now)
            .exclude(pk__in=done)
            .order_by("send_after", "id")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        for pk in ids:
            done.add(pk)
            result = reminder_send(MaintenanceReminder(pk=pk), now=now)
            counts[result.status] = counts.get(result.status, 0) + 1
    return counts


# --- service visits --------------------------------------------------------------------------------
def _visit_payload(visit: ServiceVisit) -> dict:
    return {
        "visit_id": visit.pk,
        "asset_id": visit.asset_id,
        "customer_id": visit.customer_id,
        "reminder_id": visit.reminder_id,
        "preferred_date": visit.preferred_date,
        "slot": visit.slot,
        "status": visit.status,
        "scheduled_for": visit.scheduled_for,
        "completed_on": visit.completed_on,
        "source": visit.source,
    }


def _parse_day(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(
            _("%(field)s must be a date (YYYY-MM-DD).") % {"field": field}, code="bad_date"
        )


@transaction.atomic
def visit_book(
    *,
    asset,
    customer,
    preferred_date,
    slot: str = ServiceVisit.Slot.ANY,
    note: str = "",
    reminder: MaintenanceReminder | None = None,
    source: str = ServiceVisit.Source.PORTAL,
    acting_user=None,
    now: dt.datetime | None = None,
) -> ServiceVisit:
    """Book a maintenance visit for one of the customer's assets (customer themself, or staff)."""
    now = now or timezone.now()
    if acting_user is not None:
        require(acting_user, "maintenance.change")
    if asset.customer_id != customer.pk:
        raise NotFound(_("That product is not registered to this customer."))
    day = _parse_day(preferred_date, _("Preferred date"))
    today = customer_today(customer, now)
    if day <= today:
        raise ValidationFailed(_("Choose a date from tomorrow on."), code="date_in_past")
    if day > today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationFailed(
            _("Choose a date within the next %(days)s days.") % {"days": BOOKING_HORIZON_DAYS},
            code="date_too_far",
        )
    if slot not in ServiceVisit.Slot.values:
        raise ValidationFailed(_("Choose a time of day from the list."), code="bad_slot")
    if source not in ServiceVisit.Source.values:
        raise ValidationFailed(_("Unknown booking source."))
    note = _text(note, _("Note"), max_length=2000)
    if reminder is not None and reminder.asset_id != asset.pk:
        raise ValidationFailed(_("This booking link is not valid."), code="bad_link")
    open_visits = ServiceVisit.objects.select_for_update().filter(
        asset=asset, status__in=[ServiceVisit.Status.REQUESTED, ServiceVisit.Status.CONFIRMED]
    )
    if open_visits.exists():
        raise Conflict(
            _("A visit for this product is already booked. Change or cancel it before booking another."),
            code="visit_already_booked",
        )
    visit = ServiceVisit.objects.create(
        asset=asset, customer=customer, reminder=reminder, preferred_date=day, slot=slot, note=note,
        source=source, handled_by=acting_user if getattr(acting_user, "pk", None) else None, created_at=now,
    )  # fmt: skip
    timeline_record(
        customer_id=customer.pk,
        kind="service_visit.booked",
        summary=_("Maintenance visit booked for %(date)s") % {"date": day.isoformat()},
        data={"visit_id": visit.pk, "asset_id": asset.pk, "date": day},
        source=("maintenance.servicevisit", visit.pk),
        actor=acting_user,
        occurred_at=now,
    )
    if acting_user is not None:
        audit.record(actor=acting_user, action="service_visit.booked", target=visit)
    emit("service_visit.booked", payload=_visit_payload(visit), customer_id=customer.pk,
         actor_id=getattr(acting_user, "pk", None))  # fmt: skip
    return visit


def _locked_visit(visit: ServiceVisit) -> ServiceVisit:
    return ServiceVisit.objects.select_for_update().select_related("asset", "customer").get(pk=visit.pk)


@transaction.atomic
def visit_confirm(
    *, acting_user, visit: ServiceVisit, scheduled_for: dt.datetime, note: str = ""
) -> ServiceVisit:
    require(acting_user, "maintenance.change")
    visit = _locked_visit(visit)
    if not visit.is_open:
        raise Conflict(_("Only a requested or confirmed visit can be (re)confirmed."), code="bad_status")
    if not isinstance(scheduled_for, dt.datetime):
        raise ValidationFailed(_("Give the date and time of the visit."), code="bad_date")
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    before = visit.status
    visit.status, visit.scheduled_for = ServiceVisit.Status.CONFIRMED, scheduled_for
    visit.staff_note = _text(note, _("Note"), max_length=2000) or visit.staff_note
    visit.handled_by = acting_user
    visit.save()
    audit.record(actor=acting_user, action="service_visit.confirmed", target=visit,
                 changes={"status": [before, visit.status], "scheduled_for": [None, scheduled_for]})  # fmt: skip
    emit("service_visit.confirmed", payload=_visit_payload(visit), customer_id=visit.customer_id,
         actor_id=acting_user.pk)  # fmt: skip
    return visit


@transaction.atomic
def visit_complete(
    *, acting_user, visit: ServiceVisit, completed_on=None, note: str = "", now: dt.datetime | None = None
) -> ServiceVisit:
    """Mark the visit done; the asset's service and consumable reminders restart from that day."""
    require(acting_user, "maintenance.change")
    now = now or timezone.now()
    visit = _locked_visit(visit)
    if not visit.is_open:
        raise Conflict(_("Only a requested or confirmed visit can be completed."), code="bad_status")
    day = _parse_day(completed_on, _("Completed on")) if completed_on else customer_today(visit.customer, now)
    if day > customer_today(visit.customer, now):
        raise ValidationFailed(_("A visit cannot be completed in the future."), code="date_in_future")
    before = visit.status
    visit.status, visit.completed_on = ServiceVisit.Status.COMPLETED, day
    visit.staff_note = _text(note, _("Note"), max_length=2000) or visit.staff_note
    visit.handled_by = acting_user
    visit.save()
    if visit.reminder_id:
        MaintenanceReminder.objects.filter(pk=visit.reminder_id, status__in=schedule.PENDING).update(
            status=ReminderStatus.CANCELLED, last_error=_("Serviced before the reminder was sent.")[:300]
        )
    # The next service (and consumables) count from the visit: drop unsent ones and write new dates.
    schedule.clear_pending(asset_id=visit.asset_id, kinds=[ReminderKind.SERVICE, ReminderKind.CONSUMABLE])
    schedule.schedule_reminders(now=now, product_ids=[visit.asset.product_id], asset_ids=[visit.asset_id])
    timeline_record(
        customer_id=visit.customer_id,
        kind="service_visit.completed",
        summary=_("Maintenance visit completed on %(date)s") % {"date": day.isoformat()},
        data={"visit_id": visit.pk, "asset_id": visit.asset_id},
        source=("maintenance.servicevisit", visit.pk),
        actor=acting_user,
        occurred_at=now,
    )
    audit.record(actor=acting_user, action="service_visit.completed", target=visit,
                 changes={"status": [before, visit.status], "completed_on": [None, day]})  # fmt: skip
    emit("service_visit.completed", payload=_visit_payload(visit), customer_id=visit.customer_id,
         actor_id=acting_user.pk)  # fmt: skip
    return visit


@transaction.atomic
def visit_cancel(*, visit: ServiceVisit, acting_user=None, customer=None, reason: str = "") -> ServiceVisit:
    """Cancel an open visit: staff (maintenance.change) or the customer who booked it."""
    if acting_user is not None:
        require(acting_user, "maintenance.change")
    elif customer is None or customer.pk != visit.customer_id:
        raise NotFound(_("That visit does not exist."))
    visit = _locked_visit(visit)
    if not visit.is_open:
        raise Conflict(_("Only a requested or confirmed visit can be cancelled."), code="bad_status")
    before = visit.status
    visit.status = ServiceVisit.Status.CANCELLED
    reason = _text(reason, _("Reason"), max_length=500)
    if reason:
        visit.staff_note = (visit.staff_note + "\n" + reason).strip()
    visit.save()
    if acting_user is not None:
        audit.record(actor=acting_user, action="service_visit.cancelled", target=visit,
                     changes={"status": [before, visit.status]})  # fmt: skip
    emit("service_visit.cancelled", payload={**_visit_payload(visit), "reason": reason},
         customer_id=visit.customer_id, actor_id=getattr(acting_user, "pk", None))  # fmt: skip
    return visit
