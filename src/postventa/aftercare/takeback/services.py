"""Writes of take-back: disposal instructions (takeback.manage) and requests through their pipeline.

requested -> scheduled -> collected -> recycled | refurbished -> closed, or cancelled before
collection. Every step is a TakebackStatusChange row, an audit entry for staff, a timeline entry and
a "takeback.status_changed" event; the customer is told by an outbox receiver.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.takeback.models import (
    TRANSITIONS,
    DisposalInstruction,
    TakebackRequest,
    TakebackStatus,
    TakebackStatusChange,
)
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record


def _text(value, field: str, *, max_length: int, required: bool = False) -> str:
    value = str(value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(_("%(field)s contains an invalid character.") % {"field": field})
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code="required")
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": field, "max": max_length}
        )
    return value


@transaction.atomic
def instruction_save(
    *, acting_user, category, instructions_es: str, instructions_en: str = "", battery_rules_es: str = "",
    battery_rules_en: str = "", accepts_pickup: bool = True,
) -> DisposalInstruction:  # fmt: skip
    require(acting_user, "takeback.manage")
    fields = {
        "instructions_es": _text(
            instructions_es, _("Instructions (Spanish)"), max_length=5000, required=True
        ),
        "instructions_en": _text(instructions_en, _("Instructions (English)"), max_length=5000),
        "battery_rules_es": _text(battery_rules_es, _("Battery rules (Spanish)"), max_length=3000),
        "battery_rules_en": _text(battery_rules_en, _("Battery rules (English)"), max_length=3000),
        "accepts_pickup": bool(accepts_pickup),
    }
    item = DisposalInstruction.objects.select_for_update().filter(category=category).first()
    before = audit.snapshot(item, fields) if item else {}
    item = item or DisposalInstruction(category=category)
    for k, v in fields.items():
        setattr(item, k, v)
    item.updated_by = acting_user
    item.save()
    audit.record(actor=acting_user, action="takeback.instructions_saved", target=item,
                 changes=audit.diff(before, audit.snapshot(item, fields)))  # fmt: skip
    return item


def _payload(req: TakebackRequest, **extra) -> dict:
    return {
        "request_id": req.pk,
        "number": req.number,
        "customer_id": req.customer_id,
        "asset_id": req.asset_id,
        "method": req.method,
        "status": req.status,
        "scheduled_for": req.scheduled_for,
        **extra,
    }


@transaction.atomic
def request_create(
    *,
    customer,
    method: str,
    asset=None,
    item_description: str = "",
    address: str = "",
    note: str = "",
    acting_user=None,
    now: dt.datetime | None = None,
) -> TakebackRequest:
    """Open a take-back request: the customer (portal, acting_user None) or staff (takeback.change)."""
    now = now or timezone.now()
    if acting_user is not None:
        require(acting_user, "takeback.change")
    if customer.erased_at is not None or customer.merged_into_id is not None:
        raise Conflict(
            _("This customer can no longer be changed (erased or merged)."), code="customer_inactive"
        )
    if asset is not None and asset.customer_id != customer.pk:
        raise NotFound(_("That product is not registered to this customer."))
    description = _text(item_description, _("Item description"), max_length=300)
    if asset is None and not description:
        raise ValidationFailed(_("Choose one of your products or describe the item."), code="item_required")
    if method not in TakebackRequest.Method.values:
        raise ValidationFailed(_("Choose pick-up or drop-off."), code="bad_method")
    address = _text(address, _("Address"), max_length=500)
    if method == TakebackRequest.Method.PICKUP and not address:
        raise ValidationFailed(_("Give the address where we should collect it."), code="address_required")
    if asset is not None:
        open_one = TakebackRequest.objects.filter(asset=asset).exclude(
            status__in=[TakebackStatus.CLOSED, TakebackStatus.CANCELLED]
        )
        if open_one.exists():
            raise Conflict(
                _("There is already an open take-back request for this product."), code="duplicate"
            )
    req = TakebackRequest.objects.create(
        customer=customer,
        asset=asset,
        category=asset.product.category if asset is not None else None,
        item_description=description,
        method=method,
        address=address,
        customer_note=_text(note, _("Note"), max_length=2000),
        status=TakebackStatus.REQUESTED,
        status_changed_at=now,
        source=TakebackRequest.Source.STAFF if acting_user is not None else TakebackRequest.Source.PORTAL,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=now,
    )
    req.number = f"TB-{req.pk:06d}"
    req.save(update_fields=["number"])
    TakebackStatusChange.objects.create(
        request=req, to_status=req.status, actor=req.created_by, occurred_at=now
    )
    timeline_record(
        customer_id=customer.pk, kind="takeback.requested",
        summary=_("Take-back request %(number)s") % {"number": req.number},
        data={"request_id": req.pk, "number": req.number}, source=("takeback.takebackrequest", req.pk),
        actor=acting_user, occurred_at=now,
    )  # fmt: skip
    if acting_user is not None:
        audit.record(actor=acting_user, action="takeback.requested", target=req)
    emit("takeback.requested", payload=_payload(req), customer_id=customer.pk,
         actor_id=getattr(acting_user, "pk", None))  # fmt: skip
    return req


@transaction.atomic
def request_transition(
    *,
    acting_user,
    request: TakebackRequest,
    to_status: str,
    note: str = "",
    scheduled_for=None,
    certificate_number: str = "",
    now: dt.datetime | None = None,
) -> TakebackRequest:
    """Move a request one step (takeback.change)."""
    require(acting_user, "takeback.change")
    now = now or timezone.now()
    req = TakebackRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in TakebackStatus.values:
        raise ValidationFailed(_("Unknown status."), code="bad_status")
    if to_status not in TRANSITIONS.get(req.status, ()):
        raise Conflict(
            _("A request that is %(from)s cannot become %(to)s.")
            % {"from": TakebackStatus(req.status).label, "to": TakebackStatus(to_status).label},
            code="bad_transition",
        )
    note = _text(note, _("Note"), max_length=2000)
    changes: dict = {"status": [req.status, to_status]}
    if to_status == TakebackStatus.SCHEDULED:
        if isinstance(scheduled_for, str):
            try:
                scheduled_for = dt.date.fromisoformat(scheduled_for.strip())
            except ValueError:
                raise ValidationFailed(_("The date must be YYYY-MM-DD."), code="bad_date")
        if not isinstance(scheduled_for, dt.date):
            raise ValidationFailed(_("Give the collection or drop-off date."), code="date_required")
        if scheduled_for < timezone.localdate(now):
            raise ValidationFailed(_("The date cannot be in the past."), code="date_in_past")
        changes["scheduled_for"] = [req.scheduled_for, scheduled_for]
        req.scheduled_for = scheduled_for
    if to_status == TakebackStatus.CLOSED:
        cert = _text(certificate_number, _("Certificate number"), max_length=60)
        if not note and not cert:
            raise ValidationFailed(
                _("Closing needs the recycling certificate number or a confirmation note."),
                code="certificate_required",
            )
        req.certificate_number, req.certificate_note = cert, note
    if to_status == TakebackStatus.CANCELLED and not note:
        raise ValidationFailed(_("Say why the request is cancelled."), code="reason_required")
    from_status = req.status
    req.status, req.status_changed_at = to_status, now
    req.save()
    TakebackStatusChange.objects.create(request=req, from_status=from_status, to_status=to_status, note=note,
                                        actor=acting_user, occurred_at=now)  # fmt: skip
    timeline_record(
        customer_id=req.customer_id, kind="takeback.status_changed",
        summary=f"{req.number}: {TakebackStatus(to_status).label}",
        data={"request_id": req.pk, "number": req.number, "to": to_status},
        source=("takeback.takebackrequest", req.pk), actor=acting_user, occurred_at=now,
    )  # fmt: skip
    audit.record(actor=acting_user, action="takeback.status_changed", target=req, changes=changes)
    emit("takeback.status_changed", payload=_payload(req, **{"from": from_status, "to": to_status, "note": note}),
         customer_id=req.customer_id, actor_id=acting_user.pk)  # fmt: skip
    return req


@transaction.atomic
def request_cancel_by_customer(*, customer, request: TakebackRequest, now: dt.datetime | None = None):
    """The customer withdraws a request that is not collected yet."""
    now = now or timezone.now()
    req = TakebackRequest.objects.select_for_update().filter(pk=request.pk, customer=customer).first()
    if req is None:
        raise NotFound(_("That request does not exist."))
    if req.status not in (TakebackStatus.REQUESTED, TakebackStatus.SCHEDULED):
        raise Conflict(_("This request can no longer be cancelled."), code="bad_transition")
    from_status = req.status
    req.status, req.status_changed_at = TakebackStatus.CANCELLED, now
    req.save()
    TakebackStatusChange.objects.create(request=req, from_status=from_status, to_status=req.status,
                                        note=_("Cancelled by the customer"), occurred_at=now)  # fmt: skip
    emit("takeback.status_changed", payload=_payload(req, **{"from": from_status, "to": req.status, "note": ""}),
         customer_id=req.customer_id)  # fmt: skip
    return req
