"""Repairs: every write. One function per use case, each in one transaction.

Staff actions need "repairs.change" (spare-part stock and catalogue need "repairs.manage");
the customer's quote decision is authorised by a signed single-use link instead (see quote_links).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.repairs.models import (
    TRANSITIONS,
    WORK_STATUSES,
    PartUsage,
    QuoteLine,
    RepairOrder,
    RepairPhoto,
    RepairSequence,
    RepairStatus,
    RepairStatusChange,
    SparePart,
)
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.money import to_money
from postventa.core.permissions import can, require

S = RepairStatus

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PHOTOS = 12


def photo_max_bytes() -> int:
    return int(getattr(settings, "REPAIRS_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def extends_guarantee() -> bool:
    """Whether a repair under warranty extends the legal guarantee (Spain: yes; configurable)."""
    return bool(getattr(settings, "REPAIRS_EXTEND_LEGAL_GUARANTEE", True))


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    return (actor.get_full_name() or actor.get_username()) if hasattr(actor, "get_full_name") else str(actor)


def _customer_today(customer, now: dt.datetime) -> dt.date:
    try:
        tz = zoneinfo.ZoneInfo(customer.time_zone or "Europe/Madrid")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("Europe/Madrid")
    return now.astimezone(tz).date()


def local_date(repair: RepairOrder, moment: dt.datetime) -> dt.date:
    return _customer_today(repair.customer, moment)


def _next_number(now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    seq, _created = RepairSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"REP-{year}-{seq.last_value:06d}"


def _payload(repair: RepairOrder, **extra: Any) -> dict[str, Any]:
    return {
        "repair_id": repair.pk,
        "number": repair.number,
        "customer_id": repair.customer_id,
        "asset_id": repair.asset_id,
        "status": repair.status,
        "under_warranty": repair.under_warranty,
        "claim_id": repair.claim_id,
        **extra,
    }


def _lock(repair: RepairOrder) -> RepairOrder:
    """Reload the repair under a row lock, so two staff actions never interleave."""
    return (
        RepairOrder.objects.select_for_update().select_related("customer", "asset__product").get(pk=repair.pk)
    )


def _move(
    repair: RepairOrder, to_status: str, *, actor, now: dt.datetime, note: str = ""
) -> RepairStatusChange:
    if not repair.can_move_to(to_status):
        raise ValidationFailed(
            _("A repair that is “%(current)s” cannot move to “%(target)s”.")
            % {"current": S(repair.status).label, "target": S(to_status).label},
            code="illegal_transition",
            extra={"from": repair.status, "to": to_status},
        )
    before = repair.status
    repair.status = to_status
    change = RepairStatusChange.objects.create(
        repair=repair,
        from_status=before,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor)[:200],
        note=note,
        occurred_at=now,
    )
    emit(
        "repair.status_changed",
        payload=_payload(repair, **{"from": before, "to": to_status, "note": note}),
        customer_id=repair.customer_id,
        actor_id=getattr(actor, "pk", None),
    )
    return change


# --- intake -------------------------------------------------------------------------------------


@transaction.atomic
def open_repair(
    *,
    actor,
    asset,
    fault: str,
    under_warranty: bool,
    claim_id: int | None = None,
    ticket=None,
    accessories: str = "",
    photos: Iterable = (),
    now: dt.datetime | None = None,
) -> RepairOrder:
    """Receive an asset for repair. `actor` is a staff user, or None when the system opens it
    (an approved warranty claim). Emits repair.created (the customer is told it was received)."""
    now = now or timezone.now()
    if actor is not None:
        require(actor, "repairs.change")
    fault = (fault or "").strip()
    if not fault:
        raise ValidationFailed(_("Describe the fault the customer reports."), code="fault_required")
    if len(fault) > 5000:
        raise ValidationFailed(_("The fault description is too long (5,000 characters at most)."))
    if asset is None or getattr(asset, "pk", None) is None:
        raise ValidationFailed(_("Choose the asset to repair."), code="asset_required")
    if claim_id is not None and claim_id <= 0:
        raise ValidationFailed(_("The claim id is not valid."))
    photos = list(photos or ())
    _check_photos(photos, existing=0)
    repair = RepairOrder.objects.create(
        number=_next_number(now),
        asset=asset,
        customer_id=asset.customer_id,
        status=S.RECEIVED,
        fault=fault,
        accessories=(accessories or "").strip()[:2000],
        under_warranty=bool(under_warranty),
        claim_id=claim_id,
        ticket=ticket,
        opened_by=actor if getattr(actor, "pk", None) else None,
        received_at=now,
        created_at=now,
    )
    RepairStatusChange.objects.create(
        repair=repair,
        from_status="",
        to_status=S.RECEIVED,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor)[:200],
        note=_("Asset received for repair."),
        occurred_at=now,
    )
    for upload in photos:
        _store_photo(repair, upload, actor=actor, now=now)
    if actor is not None:
        audit.record(actor=actor, action="repair.created", target=repair)
    from postventa.customers.timeline import timeline_record

    timeline_record(
        customer_id=repair.customer_id,
        kind="repair.created",
        summary=f"{repair.number}: {fault[:200]}",
        data={"number": repair.number, "repair_id": repair.pk},
        source=("repairs.repairorder", repair.pk),
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=now,
    )
    emit(
        "repair.created",
        payload=_payload(repair, fault=fault[:500]),
        customer_id=repair.customer_id,
        actor_id=getattr(actor, "pk", None),
    )
    return repair


def _sniff_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check_photos(photos: Sequence, *, existing: int) -> None:
    if existing + len(photos) > MAX_PHOTOS:
        raise ValidationFailed(
            _("A repair can have at most %(max)s photos.") % {"max": MAX_PHOTOS}, code="too_many_photos"
        )
    limit = photo_max_bytes()
    for upload in photos:
        size = getattr(upload, "size", None) or 0
        name = getattr(upload, "name", "") or "photo"
        if size <= 0:
            raise ValidationFailed(_("The photo %(name)s is empty.") % {"name": name}, code="photo_empty")
        if size > limit:
            raise ValidationFailed(
                _("The photo %(name)s is too large (%(max)s MB at most).")
                % {"name": name, "max": round(limit / 1024 / 1024, 1)},
                code="photo_too_large",
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if _sniff_type(head) is None:
            raise ValidationFailed(
                _("The file %(name)s is not a photo (JPEG, PNG or WebP).") % {"name": name}, code="photo_type"
            )


def _store_photo(repair: RepairOrder, upload, *, actor, now: dt.datetime) -> RepairPhoto:
    upload.seek(0)
    content_type = _sniff_type(upload.read(16)) or "application/octet-stream"
    upload.seek(0)
    original = (getattr(upload, "name", "") or "photo").replace("/", "_").replace("\\", "_")[-150:]
    photo = RepairPhoto(
        repair=repair,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    photo.file.save(f"photo.{PHOTO_TYPES[content_type]}", upload, save=False)
    photo.save()
    return photo


@transaction.atomic
def add_photos(
    *, actor, repair: RepairOrder, photos: Iterable, now: dt.datetime | None = None
) -> list[RepairPhoto]:
    require(actor, "repairs.change")
    now = now or timezone.now()
    repair = _lock(repair)
    photos = list(photos)
    if not photos:
        raise ValidationFailed(_("Choose at least one photo."), code="photo_required")
    _check_photos(photos, existing=repair.photos.count())
    stored = [_store_photo(repair, p, actor=actor, now=now) for p in photos]
    audit.record(actor=actor, action="repair.photos_added", target=repair, changes={"photos": len(stored)})
    return stored


# --- diagnosis, technician, quote ----------------------------------------------------------------


@transaction.atomic
def assign_technician(
    *, actor, repair: RepairOrder, technician, now: dt.datetime | None = None
) -> RepairOrder:
    require(actor, "repairs.change")
    repair = _lock(repair)
    if technician is not None and (not technician.is_active or not can(technician, "repairs.change")):
        raise ValidationFailed(
            _("%(name)s cannot work on repairs.") % {"name": _actor_label(technician)}, code="bad_technician"
        )
    before = repair.technician_id
    repair.technician = technician
    repair.save(update_fields=["technician", "updated_at"])
    audit.record(
        actor=actor,
        action="repair.technician_assigned",
        target=repair,
        changes={"technician": [before, getattr(technician, "pk", None)]},
    )
    return repair


@transaction.atomic
def save_diagnosis(
    *, actor, repair: RepairOrder, diagnosis: str, now: dt.datetime | None = None
) -> RepairOrder:
    """Write the diagnosis; a repair still at 'received' moves to 'diagnosing'."""
    require(actor, "repairs.change")
    now = now or timezone.now()
    repair = _lock(repair)
    diagnosis = (diagnosis or "").strip()
    if not diagnosis:
        raise ValidationFailed(_("Write the diagnosis."), code="diagnosis_required")
    if repair.status not in (S.RECEIVED, S.DIAGNOSING, S.QUOTE_SENT):
        raise ValidationFailed(
            _("The diagnosis can only change before the quote is decided."), code="diagnosis_locked"
        )
    if repair.status == S.RECEIVED:
        _move(repair, S.DIAGNOSING, actor=actor, now=now)
    elif repair.status == S.QUOTE_SENT:
        _move(
            repair,
            S.DIAGNOSING,
            actor=actor,
            now=now,
            note=_("Diagnosis revised; the quote must be sent again."),
        )
    before = repair.diagnosis
    repair.diagnosis = diagnosis
    repair.save(update_fields=["diagnosis", "status", "updated_at"])
    audit.record(
        actor=actor, action="repair.diagnosed", target=repair, changes={"diagnosis": [before, diagnosis]}
    )
    return repair


def _decimal(value, *, field: str, line_no: int) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Line %(n)s: %(field)s is not a number.") % {"n": line_no, "field": field},
            code="bad_quote_line",
        )
    if not number.is_finite():
        raise ValidationFailed(
            _("Line %(n)s: %(field)s is not a number.") % {"n": line_no, "field": field},
            code="bad_quote_line",
        )
    return number


@transaction.atomic
def set_quote(
    *,
    actor,
    repair: RepairOrder,
    lines: Sequence[dict[str, Any]],
    vat_rate: Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> RepairOrder:
    """Replace the quote's lines. Each line: kind ("part"|"labour"), description, quantity (units or
    hours), unit_price (price or hourly rate, VAT excluded), optional spare_part_id."""
    require(actor, "repairs.change")
    repair = _lock(repair)
    if repair.status not in (S.RECEIVED, S.DIAGNOSING):
        raise ValidationFailed(
            _("The quote can only be edited while the repair is being diagnosed."), code="quote_locked"
        )
    if len(lines) > 50:
        raise ValidationFailed(_("A quote can have at most 50 lines."), code="bad_quote_line")
    if vat_rate is not None and str(vat_rate).strip() != "":
        rate = _decimal(vat_rate, field=_("VAT rate"), line_no=0)
        if rate < 0 or rate > 100:
            raise ValidationFailed(_("The VAT rate must be between 0 and 100 %."), code="bad_vat_rate")
        repair.vat_rate = rate.quantize(Decimal("0.01"))
    rows: list[QuoteLine] = []
    parts = {
        p.pk: p
        for p in SparePart.objects.filter(
            pk__in=[ln.get("spare_part_id") for ln in lines if ln.get("spare_part_id")]
        )
    }
    for i, line in enumerate(lines, start=1):
        kind = (line.get("kind") or "").strip()
        if kind not in QuoteLine.Kind.values:
            raise ValidationFailed(
                _("Line %(n)s: the kind must be part or labour.") % {"n": i}, code="bad_quote_line"
            )
        part = None
        if line.get("spare_part_id"):
            part = parts.get(int(line["spare_part_id"]))
            if part is None:
                raise ValidationFailed(
                    _("Line %(n)s: that spare part does not exist.") % {"n": i}, code="bad_quote_line"
                )
        description = (line.get("description") or "").strip() or (part.name if part else "")
        if not description:
            raise ValidationFailed(_("Line %(n)s: write a description.") % {"n": i}, code="bad_quote_line")
        quantity = _decimal(line.get("quantity"), field=_("quantity"), line_no=i)
        if quantity <= 0 or quantity > 10000:
            raise ValidationFailed(
                _("Line %(n)s: the quantity must be greater than zero.") % {"n": i}, code="bad_quote_line"
            )
        if quantity != quantity.quantize(Decimal("0.01")):
            raise ValidationFailed(
                _("Line %(n)s: the quantity has at most two decimals.") % {"n": i}, code="bad_quote_line"
            )
        raw_price = line.get("unit_price")
        if (raw_price is None or str(raw_price).strip() == "") and part is not None:
            raw_price = part.unit_price
        price = _decimal(raw_price, field=_("unit price"), line_no=i)
        if price < 0 or price > Decimal("1000000"):
            raise ValidationFailed(
                _("Line %(n)s: the price cannot be negative.") % {"n": i}, code="bad_quote_line"
            )
        rows.append(
            QuoteLine(
                repair=repair,
                position=i,
                kind=kind,
                description=description[:200],
                spare_part=part,
                quantity=quantity,
                unit_price=to_money(price),
            )
        )
    repair.quote_lines.all().delete()
    QuoteLine.objects.bulk_create(rows)
    if repair.status == S.RECEIVED:
        _move(repair, S.DIAGNOSING, actor=actor, now=now or timezone.now())
    repair.save(update_fields=["vat_rate", "status", "updated_at"])
    audit.record(actor=actor, action="repair.quote_edited", target=repair, changes={"lines": len(rows)})
    return repair


@transaction.atomic
def send_quote(*, actor, repair: RepairOrder, now: dt.datetime | None = None) -> RepairOrder:
    """Send the quote: the customer gets an email with an approval link (from an outbox receiver)."""
    require(actor, "repairs.change")
    now = now or timezone.now()
    repair = _lock(repair)
    if repair.status != S.DIAGNOSING:
        raise ValidationFailed(
            _("Only a repair being diagnosed can get a quote (it is “%(status)s”).")
            % {"status": S(repair.status).label},
            code="illegal_transition",
        )
    if not repair.diagnosis.strip():
        raise ValidationFailed(_("Write the diagnosis before sending the quote."), code="diagnosis_required")
    if not repair.under_warranty and not repair.quote_lines.exists():
        raise ValidationFailed(_("Add at least one quote line before sending it."), code="quote_empty")
    from postventa.aftercare.repairs.selectors import quote_summary

    summary = quote_summary(repair)
    _move(repair, S.QUOTE_SENT, actor=actor, now=now)
    repair.quote_version += 1
    repair.quote_sent_at = now
    repair.quote_decided_at = None
    repair.quote_comment = ""
    repair.save(
        update_fields=[
            "status",
            "quote_version",
            "quote_sent_at",
            "quote_decided_at",
            "quote_comment",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor, action="repair.quote_sent", target=repair, changes={"version": repair.quote_version}
    )
    emit(
        "repair.quote_sent",
        payload=_payload(
            repair,
            quote_version=repair.quote_version,
            total=summary["customer_total"],
            currency=repair.currency,
        ),
        customer_id=repair.customer_id,
        actor_id=actor.pk,
    )
    return repair


def _decide(repair: RepairOrder, *, approve: bool, comment: str, actor, now: dt.datetime) -> RepairOrder:
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed(
            _("The comment is too long (2,000 characters at most)."), code="comment_too_long"
        )
    if repair.status != S.QUOTE_SENT:
        raise Conflict(_("This quote has already been answered or is no longer open."), code="quote_not_open")
    target = S.APPROVED if approve else S.REJECTED
    _move(repair, target, actor=actor, now=now, note=comment)
    repair.quote_decided_at = now
    repair.quote_comment = comment
    repair.save(update_fields=["status", "quote_decided_at", "quote_comment", "updated_at"])
    from postventa.aftercare.repairs.selectors import quote_summary

    emit(
        "repair.quote_approved" if approve else "repair.quote_rejected",
        payload=_payload(
            repair,
            quote_version=repair.quote_version,
            comment=comment[:500],
            total=quote_summary(repair)["customer_total"],
            currency=repair.currency,
            by_customer=actor is None,
        ),
        customer_id=repair.customer_id,
        actor_id=getattr(actor, "pk", None),
    )
    return repair


@transaction.atomic
def record_quote_decision(
    *, actor, repair: RepairOrder, approve: bool, comment: str = "", now: dt.datetime | None = None
) -> RepairOrder:
    """Staff record the customer's answer given by phone or at the counter."""
    require(actor, "repairs.change")
    repair = _lock(repair)
    repair = _decide(repair, approve=approve, comment=comment, actor=actor, now=now or timezone.now())
    audit.record(
        actor=actor, action="repair.quote_decision_recorded", target=repair, changes={"approved": approve}
    )
    return repair


@transaction.atomic
def decide_quote_by_link(
    *, repair_number: str, token: str, approve: bool, comment: str = "", now: dt.datetime | None = None
) -> RepairOrder:
    """The customer approves or rejects the quote from the emailed link (no sign-in)."""
    from postventa.aftercare.repairs import quote_links

    now = now or timezone.now()
    row = quote_links.verify(repair_number=repair_number, token=token, now=now, lock=True)
    repair = _lock(row.repair)
    row.used_at = now
    row.save(update_fields=["used_at"])
    return _decide(repair, approve=approve, comment=comment, actor=None, now=now)


# --- work ---------------------------------------------------------------------------------------


@transaction.atomic
def transition_repair(
    *, actor, repair: RepairOrder, to_status: str, note: str = "", now: dt.datetime | None = None
) -> RepairOrder:
    """Move a repair along its pipeline: start work, wait for parts, return it, close it.

    Sending the quote, the customer's decision and completion have their own services."""
    require(actor, "repairs.change")
    now = now or timezone.now()
    if to_status not in S.values:
        raise ValidationFailed(_("Unknown repair status %(s)s.") % {"s": to_status}, code="bad_status")
    special = {
        S.QUOTE_SENT: _("Send the quote with “Send quote”."),
        S.APPROVED: _("The customer approves the quote with the link, or record their answer."),
        S.REJECTED: _("The customer rejects the quote with the link, or record their answer."),
        S.REPAIRED: _("Complete the repair with a report."),
    }
    if to_status in special:
        raise ValidationFailed(special[to_status], code="use_dedicated_action")
    repair = _lock(repair)
    if repair.status == S.DIAGNOSING and to_status == S.IN_REPAIR and not repair.under_warranty:
        raise ValidationFailed(
            _("The customer must approve the quote before the repair starts."), code="quote_not_approved"
        )
    if to_status == S.DIAGNOSING and repair.status == S.QUOTE_SENT:
        note = note or _("Quote withdrawn for revision.")
    _move(repair, to_status, actor=actor, now=now, note=note.strip())
    fields = ["status", "updated_at"]
    if to_status == S.IN_REPAIR and repair.started_at is None:
        repair.started_at = now
        fields.append("started_at")
    if to_status == S.RETURNED:
        repair.returned_at = now
        fields.append("returned_at")
    if to_status == S.CLOSED:
        repair.closed_at = now
        fields.append("closed_at")
    repair.save(update_fields=fields)
    audit.record(
        actor=actor, action=f"repair.{to_status}", target=repair, changes={"status": [None, to_status]}
    )
    if to_status == S.CLOSED:
        emit("repair.closed", payload=_payload(repair), customer_id=repair.customer_id, actor_id=actor.pk)
    return repair


@transaction.atomic
def use_part(
    *, actor, repair: RepairOrder, spare_part: SparePart, quantity: int = 1, now: dt.datetime | None = None
) -> PartUsage:
    """Fit `quantity` of a spare part: stock goes down in the same statement that checks it."""
    require(actor, "repairs.change")
    now = now or timezone.now()
    if not isinstance(quantity, int) or quantity < 1 or quantity > 1000:
        raise ValidationFailed(_("The quantity must be a whole number from 1 to 1,000."), code="bad_quantity")
    repair = _lock(repair)
    if repair.status not in WORK_STATUSES:
        raise ValidationFailed(
            _("Parts can only be used while the repair is in progress."), code="repair_not_in_progress"
        )
    # Row lock on PostgreSQL; the conditional UPDATE below is what keeps SQLite (one writer) safe too.
    part = SparePart.objects.select_for_update().filter(pk=spare_part.pk).first()
    if part is None or not part.is_active:
        raise NotFound(_("That spare part does not exist."), code="part_not_found")
    compatible = list(part.compatible_products.values_list("pk", flat=True))
    if compatible and repair.asset.product_id not in compatible:
        raise ValidationFailed(
            _("%(part)s does not fit %(product)s.")
            % {"part": part.name, "product": repair.asset.product.name},
            code="part_not_compatible",
        )
    updated = SparePart.objects.filter(pk=part.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity, updated_at=now
    )
    if updated != 1:
        raise Conflict(
            _("Not enough stock of %(part)s: %(stock)s left, %(wanted)s needed.")
            % {"part": part.name, "stock": part.stock, "wanted": quantity},
            code="out_of_stock",
            extra={"stock": part.stock, "sku": part.sku},
        )
    usage = PartUsage.objects.create(
        repair=repair, spare_part=part, quantity=quantity, used_by=actor, used_at=now
    )
    audit.record(
        actor=actor,
        action="repair.part_used",
        target=repair,
        changes={"part": part.sku, "quantity": quantity},
    )
    return usage


@transaction.atomic
def complete_repair(
    *, actor, repair: RepairOrder, report: str, now: dt.datetime | None = None
) -> RepairOrder:
    """Finish the work with a report. Under warranty, the legal guarantee is extended where the law says so."""
    require(actor, "repairs.change")
    now = now or timezone.now()
    report = (report or "").strip()
    if not report:
        raise ValidationFailed(_("Write the completion report: what was done."), code="report_required")
    if len(report) > 10000:
        raise ValidationFailed(_("The report is too long (10,000 characters at most)."))
    repair = _lock(repair)
    if repair.status != S.IN_REPAIR:
        raise ValidationFailed(
            _("Only a repair in progress can be completed (it is “%(status)s”).")
            % {"status": S(repair.status).label},
            code="illegal_transition",
        )
    _move(repair, S.REPAIRED, actor=actor, now=now, note=report[:500])
    repair.completed_at = now
    repair.completion_report = report
    fields = ["status", "completed_at", "completion_report", "updated_at"]
    if repair.under_warranty and extends_guarantee():
        extension = _extend_guarantee(repair, now=now)
        if extension is not None:
            repair.guarantee_extended_at = now
            repair.guarantee_note = _guarantee_note(extension)[:300]
            fields += ["guarantee_extended_at", "guarantee_note"]
    repair.save(update_fields=fields)
    audit.record(actor=actor, action="repair.completed", target=repair)
    from postventa.customers.timeline import timeline_record

    timeline_record(
        customer_id=repair.customer_id,
        kind="repair.completed",
        summary=f"{repair.number}: {report[:200]}",
        data={"number": repair.number, "repair_id": repair.pk},
        source=("repairs.repairorder", repair.pk),
        actor=actor,
        occurred_at=now,
    )
    emit(
        "repair.completed",
        payload=_payload(repair, guarantee_extended=repair.guarantee_extended_at is not None),
        customer_id=repair.customer_id,
        actor_id=actor.pk,
    )
    return repair


def _extend_guarantee(repair: RepairOrder, *, now: dt.datetime):
    """Ask the warranties app to extend the asset's legal guarantee for this repair."""
    from postventa.aftercare.warranties.services import extend_after_repair

    return extend_after_repair(
        asset=repair.asset,
        repair_started_on=local_date(repair, repair.received_at),
        repair_completed_on=local_date(repair, now),
        fault=repair.fault,
        source_ref=f"repair:{repair.number}",
    )


def _guarantee_note(extension) -> str:
    parts = []
    if getattr(extension, "suspended_days", 0):
        parts.append(_("legal period suspended for %(n)s days") % {"n": extension.suspended_days})
    until = getattr(extension, "repaired_fault_until", None)
    if until:
        parts.append(_("repaired fault guaranteed until %(day)s") % {"day": until.isoformat()})
    return "; ".join(parts) or _("guarantee extended")


# --- spare parts ---------------------------------------------------------------------------------


@transaction.atomic
def spare_part_save(
    *,
    actor,
    sku: str,
    name_es: str,
    name_en: str = "",
    unit_price: Decimal | str = "0",
    stock: int | None = None,
    compatible_product_ids: Sequence[int] | None = None,
    is_active: bool = True,
    part: SparePart | None = None,
) -> SparePart:
    """Create or edit a spare part (repairs.manage). Stock changes go through restock_part."""
    require(actor, "repairs.manage")
    sku = (sku or "").strip()
    name_es = (name_es or "").strip()
    if not sku or not name_es:
        raise ValidationFailed(_("A spare part needs a SKU and a Spanish name."), code="part_invalid")
    try:
        price = to_money(unit_price)
    except ValueError:
        raise ValidationFailed(_("The unit price is not an amount."), code="bad_amount")
    if price < 0:
        raise ValidationFailed(_("The unit price cannot be negative."), code="bad_amount")
    clash = SparePart.objects.filter(sku=sku).exclude(pk=getattr(part, "pk", None)).exists()
    if clash:
        raise Conflict(
            _("Another spare part already has the SKU %(sku)s.") % {"sku": sku}, code="duplicate_sku"
        )
    creating = part is None
    if creating:
        if stock is not None and stock < 0:
            raise ValidationFailed(_("Stock cannot be negative."), code="bad_stock")
        part = SparePart(stock=stock or 0)
    part.sku, part.name_es, part.name_en = sku, name_es, (name_en or "").strip()
    part.unit_price, part.is_active = price, is_active
    part.save()
    if compatible_product_ids is not None:
        from postventa.catalog.models import Product

        products = list(Product.objects.filter(pk__in=compatible_product_ids))
        if len(products) != len(set(compatible_product_ids)):
            raise ValidationFailed(_("One of the compatible products does not exist."), code="bad_product")
        part.compatible_products.set(products)
    audit.record(actor=actor, action="spare_part.created" if creating else "spare_part.updated", target=part)
    return part


@transaction.atomic
def restock_part(*, actor, spare_part: SparePart, delta: int, reason: str = "") -> SparePart:
    """Add (or, with a negative delta, write off) stock; never below zero."""
    require(actor, "repairs.manage")
    if not isinstance(delta, int) or delta == 0:
        raise ValidationFailed(
            _("The stock change must be a whole number other than zero."), code="bad_stock"
        )
    updated = SparePart.objects.filter(pk=spare_part.pk, stock__gte=max(-delta, 0)).update(
        stock=F("stock") + delta
    )
    part = SparePart.objects.get(pk=spare_part.pk)
    if updated != 1:
        raise Conflict(
            _("Stock cannot go below zero (%(stock)s in stock).") % {"stock": part.stock}, code="out_of_stock"
        )
    audit.record(
        actor=actor, action="spare_part.restocked", target=part, changes={"delta": delta, "reason": reason}
    )
    return part


def allowed_targets(repair: RepairOrder) -> list[str]:
    """Statuses a staff member can move this repair to with transition_repair."""
    out = []
    for status in TRANSITIONS.get(repair.status, frozenset()):
        if status in (S.QUOTE_SENT, S.APPROVED, S.REJECTED, S.REPAIRED):
            continue
        if repair.status == S.DIAGNOSING and status == S.IN_REPAIR and not repair.under_warranty:
            continue
        out.append(status)
    order = list(S.values)
    return sorted(out, key=order.index)
