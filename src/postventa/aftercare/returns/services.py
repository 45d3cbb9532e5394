"""Returns: every write. One function per use case; each runs in one transaction.

A customer (portal, actor=None) or staff (returns.change) opens a return for lines of an order;
agents approve, receive and inspect it; a supervisor (refunds.change) refunds or credits it, an
agent exchanges it for a new order or marks it repaired. Illegal moves are refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.returns import photos as photo_rules
from postventa.aftercare.returns.eligibility import active_policy, order_eligibility
from postventa.aftercare.returns.models import (
    CLOSED_STATUSES,
    LEGAL_REFUND_DAYS,
    TRANSITIONS,
    CategoryRule,
    Refund,
    RefundMethod,
    Resolution,
    ReturnLine,
    ReturnPhoto,
    ReturnPolicy,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
    RmaCounter,
)
from postventa.aftercare.returns.refunds import record_refund, refundable_remaining
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.money import format_money, to_money
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record

S = ReturnStatus
MAX_LINES = 100
MAX_PHOTOS = 6


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def next_rma_number(now: dt.datetime) -> str:
    """RMA-<year>-<6 digits>, consecutive per year; call inside a transaction."""
    year = now.year
    RmaCounter.objects.get_or_create(year=year)
    counter = RmaCounter.objects.select_for_update().get(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db()
    return f"RMA-{year}-{counter.last:06d}"


def _payload(request: ReturnRequest, **extra: Any) -> dict[str, Any]:
    return {
        "return_id": request.pk,
        "number": request.number,
        "order_id": request.order_id,
        "customer_id": request.customer_id,
        "status": request.status,
        "resolution": request.resolution,
        **extra,
    }


def _reason(reason) -> ReturnReason:
    if isinstance(reason, ReturnReason):
        return reason
    found = None
    if isinstance(reason, int) or (isinstance(reason, str) and reason.isdigit()):
        found = ReturnReason.objects.filter(pk=int(reason), is_active=True).first()
    if found is None and isinstance(reason, str):
        found = ReturnReason.objects.filter(code=reason.strip(), is_active=True).first()
    if found is None:
        raise ValidationFailed(_("Choose a reason for the return."), code="reason_required")
    return found


def _record_change(request, from_status, to_status, actor, note, now) -> None:
    ReturnStatusChange.objects.create(
        request=request,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        note=(note or "")[:500],
        occurred_at=now,
    )
    timeline_record(
        customer_id=request.customer_id,
        kind="return.status",
        summary=f"{request.number}: {to_status}",
        data={"number": request.number, "status": to_status, "note": (note or "")[:200]},
        source=("return", request.pk),
        actor=actor,
        occurred_at=now,
    )


@transaction.atomic
def return_request_create(
    *,
    actor,
    customer,
    order,
    lines: list[dict[str, Any]],
    reason,
    reason_detail: str = "",
    resolution: str = Resolution.REFUND,
    photos: list | None = None,
    channel: str = ReturnRequest.Channel.PORTAL,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """Open a return for some units of `order`'s lines.

    `actor` is staff (needs returns.change) or None when the customer asks in the portal.
    `lines`: [{"order_line_id": int, "quantity": int}]; lines with quantity 0 are ignored.
    """
    from postventa.orders.models import Order

    if actor is not None:
        require(actor, "returns.change")
    now = now or timezone.now()
    # Lock the order: two requests at once must not both return the last unit.
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.customer_id != customer.pk:
        raise NotFound(_("Order not found."), code="order_not_found")
    reason_obj = _reason(reason)
    if resolution not in Resolution.values:
        raise ValidationFailed(_("Choose how you would like it resolved."), code="bad_resolution")
    wanted: dict[int, int] = {}
    for raw in (lines or [])[:MAX_LINES]:
        try:
            line_id, quantity = int(raw.get("order_line_id")), int(raw.get("quantity", 0))
        except (TypeError, ValueError, AttributeError):
            raise ValidationFailed(_("Each line needs a whole quantity."), code="bad_quantity")
        if quantity < 0:
            raise ValidationFailed(_("A quantity cannot be negative."), code="bad_quantity")
        if quantity:
            wanted[line_id] = wanted.get(line_id, 0) + quantity
    if not wanted:
        raise ValidationFailed(_("Choose at least one item and how many units to return."), code="no_lines")
    policy = active_policy()
    checks = {item.line.pk: item for item in order_eligibility(order, policy=policy, now=now)}
    errors = []
    for line_id, quantity in wanted.items():
        item = checks.get(line_id)
        if item is None:
            raise ValidationFailed(
                _("That item is not on order %(n)s.") % {"n": order.number}, code="unknown_line"
            )
        name = item.line.description or item.line.sku
        if not item.eligible:
            errors.append(f"{name}: {item.sentence}")
        elif quantity > item.returnable_quantity:
            errors.append(
                _(
                    "%(name)s: you can return at most %(max)s (bought %(bought)s, already returned %(returned)s)."
                )
                % {
                    "name": name,
                    "max": item.returnable_quantity,
                    "bought": item.bought,
                    "returned": item.already_returned,
                }
            )
    if errors:
        raise ValidationFailed(" ".join(errors), code="not_returnable", extra={"lines": errors})
    clean_photos = photo_rules.validate(photos or [], max_mb=policy.max_photo_mb, max_count=MAX_PHOTOS)

    chosen = [checks[line_id] for line_id in wanted]
    value = sum((item.line.unit_price * wanted[item.line.pk] for item in chosen), Decimal("0.00"))
    is_withdrawal = all(item.within_withdrawal for item in chosen)
    deadline_days = policy.refund_deadline_days
    if is_withdrawal:
        deadline_days = min(deadline_days, LEGAL_REFUND_DAYS)
    request = ReturnRequest.objects.create(
        number=next_rma_number(now),
        customer=customer,
        order=order,
        status=S.REQUESTED,
        reason=reason_obj,
        reason_detail=(reason_detail or "").strip()[:4000],
        resolution=resolution,
        channel=channel,
        shipping_paid_by=(
            ReturnRequest.ShippingPayer.BUSINESS
            if reason_obj.business_pays_shipping
            else ReturnRequest.ShippingPayer.CUSTOMER
        ),
        is_withdrawal=is_withdrawal,
        currency=order.currency,
        requested_value=value,
        requested_at=now,
        refund_due_by=now + dt.timedelta(days=deadline_days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                request=request,
                order_line=item.line,
                quantity=wanted[item.line.pk],
                unit_price=item.line.unit_price,
                eligibility=item.sentence[:400],
                window_ends_on=item.window_ends_on,
            )
            for item in chosen
        ]
    )
    for upload, content_type in clean_photos:
        ReturnPhoto.objects.create(
            request=request,
            file=upload,
            original_name=(getattr(upload, "name", "") or "")[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_at=now,
        )
    _record_change(request, "", S.REQUESTED, actor, "", now)
    if actor is not None:
        audit.record(actor=actor, action="return.created", target=request, changes={"value": str(value)})
    emit(
        "return.requested",
        payload=_payload(request, value=str(value), currency=request.currency),
        customer_id=customer.pk,
        actor_id=getattr(actor, "pk", None),
    )
    if (
        policy.auto_approve
        and value <= policy.auto_approve_max_amount
        and (is_withdrawal or not policy.auto_approve_only_withdrawal)
    ):
        request.auto_approved = True
        _move(
            request, S.APPROVED, actor=None, note=_("Approved automatically by the return policy."), now=now
        )
    return request


def _move(
    request: ReturnRequest, to_status: str, *, actor, note: str = "", now: dt.datetime, **payload
) -> None:
    from_status = request.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise Conflict(
            _("A return that is “%(from)s” cannot become “%(to)s”.")
            % {"from": _status_label(from_status), "to": _status_label(to_status)},
            code="illegal_transition",
        )
    request.status = to_status
    stamp = {
        S.APPROVED: "approved_at",
        S.RECEIVED: "received_at",
        S.INSPECTED: "inspected_at",
    }.get(to_status)
    if stamp:
        setattr(request, stamp, now)
    if to_status in CLOSED_STATUSES:
        request.closed_at = now
    request.save()
    _record_change(request, from_status, to_status, actor, note, now)
    if actor is not None:
        audit.record(
            actor=actor,
            action="return.status_changed",
            target=request,
            changes={"status": [from_status, to_status], "note": note},
        )
    event = {
        S.APPROVED: "return.approved",
        S.REJECTED: "return.rejected",
        S.IN_TRANSIT: "return.in_transit",
        S.RECEIVED: "return.received",
        S.INSPECTED: "return.inspected",
    }.get(to_status, "return.closed")
    emit(
        event,
        payload=_payload(request, from_status=from_status, note=note, **payload),
        customer_id=request.customer_id,
        actor_id=getattr(actor, "pk", None),
    )


def _locked(request: ReturnRequest) -> ReturnRequest:
    return (
        ReturnRequest.objects.select_for_update()
        .select_related("order", "customer", "reason")
        .get(pk=request.pk)
    )


@transaction.atomic
def return_transition(
    *,
    actor,
    request: ReturnRequest,
    to_status: str,
    note: str = "",
    rejection_reason: str = "",
    carrier: str = "",
    tracking_number: str = "",
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """Approve, reject, mark in transit or received, or mark repaired."""
    require(actor, "returns.change")
    now = now or timezone.now()
    request = _locked(request)
    if to_status not in S.values:
        raise ValidationFailed(_("“%(s)s” is not a return status.") % {"s": to_status}, code="unknown_status")
    if to_status in (S.REFUNDED, S.CREDITED):
        raise ValidationFailed(
            _("Record a refund to close a return as refunded or credited."), code="use_refund"
        )
    if to_status == S.EXCHANGED:
        raise ValidationFailed(
            _("Use the exchange action to create the replacement order."), code="use_exchange"
        )
    if to_status == S.INSPECTED:
        raise ValidationFailed(_("Inspect the lines to mark the return inspected."), code="use_inspect")
    if to_status == S.REJECTED:
        rejection_reason = (rejection_reason or note or "").strip()
        if not rejection_reason:
            raise ValidationFailed(
                _("Say why the return is rejected; the customer will read it."), code="reason_required"
            )
        request.rejection_reason = rejection_reason[:2000]
        note = rejection_reason
    if to_status == S.IN_TRANSIT:
        request.return_carrier = (carrier or "").strip()[:40]
        request.return_tracking = (tracking_number or "").strip()[:80]
    _move(request, to_status, actor=actor, note=note, now=now)
    return request


@transaction.atomic
def return_inspect(
    *,
    actor,
    request: ReturnRequest,
    lines: list[dict[str, Any]],
    note: str = "",
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """Write what inspection found for each line (condition, restock, accepted, notes).

    `lines`: [{"line_id", "condition", "restock": bool, "accepted": bool, "note"}]; every line of
    the return must be covered. A received return becomes inspected; an inspected one is updated.
    """
    require(actor, "returns.change")
    now = now or timezone.now()
    request = _locked(request)
    if request.status not in (S.RECEIVED, S.INSPECTED):
        raise Conflict(
            _("Only a received return can be inspected; this one is “%(s)s”.")
            % {"s": _status_label(request.status)},
            code="illegal_transition",
        )
    own = {line.pk: line for line in request.lines.all()}
    given: dict[int, dict[str, Any]] = {}
    for raw in lines or []:
        try:
            given[int(raw.get("line_id"))] = raw
        except (TypeError, ValueError, AttributeError):
            raise ValidationFailed(_("Each inspected line needs its id."), code="bad_line")
    if set(given) != set(own):
        raise ValidationFailed(_("Inspect every line of the return."), code="lines_missing")
    for line_id, raw in given.items():
        condition = (raw.get("condition") or "").strip()
        if condition not in ReturnLine.Condition.values:
            raise ValidationFailed(_("Choose the condition of each line."), code="bad_condition")
        line = own[line_id]
        line.condition = condition
        line.restock = bool(raw.get("restock"))
        line.accepted = bool(raw.get("accepted", True))
        line.inspection_note = (raw.get("note") or "").strip()[:2000]
        line.inspected_at = now
        line.inspected_by = actor if getattr(actor, "pk", None) else None
    ReturnLine.objects.bulk_update(
        list(own.values()),
        ["condition", "restock", "accepted", "inspection_note", "inspected_at", "inspected_by"],
    )
    summary = {
        str(line.pk): {"condition": line.condition, "restock": line.restock, "accepted": line.accepted}
        for line in own.values()
    }
    if request.status == S.RECEIVED:
        _move(request, S.INSPECTED, actor=actor, note=note, now=now, lines=summary)
    else:
        audit.record(actor=actor, action="return.reinspected", target=request, changes={"lines": summary})
    return request


def accepted_value(request: ReturnRequest) -> Decimal:
    """The value of the units inspection accepted (all units before inspection)."""
    return sum(
        (line.unit_price * line.quantity for line in request.lines.all() if line.accepted is not False),
        Decimal("0.00"),
    )


def refund_ceiling(request: ReturnRequest) -> Decimal:
    """The most this return can still refund: its accepted value (plus the original delivery cost for
    a withdrawal of the whole order, which the law gives back) less what it already refunded, never
    more than what remains refundable on the order."""
    value = accepted_value(request)
    if request.is_withdrawal:
        whole = (
            all(
                line.quantity == line.order_line.quantity
                for line in request.lines.select_related("order_line")
            )
            and request.lines.count() == request.order.lines.count()
        )
        if whole:
            value += request.order.shipping_total
    own_left = max(value - request.refunded_total, Decimal("0.00"))
    return min(own_left, refundable_remaining(request.order))


@transaction.atomic
def return_refund(
    *,
    actor,
    request: ReturnRequest,
    amount,
    method: str = RefundMethod.ORIGINAL_PAYMENT,
    reference: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Refund:
    """Refund (part of) an inspected return; store_credit credits the customer instead.

    The first refund closes the return as refunded (or credited); later partial refunds add up
    to the return's ceiling.
    """
    require(actor, "refunds.change")
    now = now or timezone.now()
    request = _locked(request)
    if request.status not in (S.INSPECTED, S.REFUNDED, S.CREDITED):
        raise Conflict(
            _("A return is refunded after inspection; this one is “%(s)s”.")
            % {"s": _status_label(request.status)},
            code="illegal_transition",
        )
    try:
        value = to_money(amount)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The amount is not a valid number."), code="bad_amount")
    ceiling = refund_ceiling(request)
    if value > ceiling:
        raise ValidationFailed(
            _("%(amount)s is more than this return can still refund: %(max)s.")
            % {
                "amount": format_money(value, request.currency),
                "max": format_money(ceiling, request.currency),
            },
            code="refund_exceeds_return",
            extra={"max": str(ceiling)},
        )
    refund = record_refund(
        actor=actor,
        customer=request.customer,
        amount=value,
        currency=request.currency,
        method=method,
        reference=reference,
        order=request.order,
        source_type="return",
        source_id=request.pk,
        reason=note or request.number,
        now=now,
    )
    request.refunded_total = request.refunded_total + value
    if request.status == S.INSPECTED:
        to = S.CREDITED if method == RefundMethod.STORE_CREDIT else S.REFUNDED
        _move(
            request,
            to,
            actor=actor,
            note=note,
            now=now,
            refund_id=refund.pk,
            amount=str(value),
            method=method,
        )
    else:
        request.save(update_fields=["refunded_total", "updated_at"])
        audit.record(
            actor=actor,
            action="return.refunded_again",
            target=request,
            changes={"amount": str(value), "method": method},
        )
    return refund


@transaction.atomic
def return_exchange(
    *, actor, request: ReturnRequest, note: str = "", now: dt.datetime | None = None
) -> ReturnRequest:
    """Close an inspected return with a replacement order of the accepted units, at no charge."""
    from postventa.orders.services import order_create

    require(actor, "returns.change")
    now = now or timezone.now()
    request = _locked(request)
    if S.EXCHANGED not in TRANSITIONS.get(request.status, ()):
        raise Conflict(
            _("A return is exchanged after inspection; this one is “%(s)s”.")
            % {"s": _status_label(request.status)},
            code="illegal_transition",
        )
    accepted = [line for line in request.lines.select_related("order_line") if line.accepted is not False]
    if not accepted:
        raise ValidationFailed(
            _("No line was accepted at inspection, so there is nothing to exchange."), code="nothing_accepted"
        )
    order = request.order
    new_order = order_create(
        acting_user=actor,
        customer=request.customer,
        number=f"{request.number}-X",
        lines=[
            {
                "sku": line.order_line.sku,
                "description": line.order_line.description or line.order_line.sku,
                "quantity": line.quantity,
                "unit_price": "0.00",
            }
            for line in accepted
        ],
        status="paid",
        currency=order.currency,
        source="staff",
        ship_name=order.ship_name,
        ship_line1=order.ship_line1,
        ship_postcode=order.ship_postcode,
        ship_city=order.ship_city,
        ship_country=order.ship_country,
    )
    request.exchange_order = new_order
    _move(request, S.EXCHANGED, actor=actor, note=note, now=now, exchange_order=new_order.number)
    return request


# --- settings: policy, category rules, reasons (returns.manage) ------------------------------

POLICY_FIELDS = (
    "name",
    "withdrawal_days",
    "business_window_days",
    "refund_deadline_days",
    "auto_approve",
    "auto_approve_max_amount",
    "auto_approve_only_withdrawal",
    "return_address",
    "instructions_es",
    "instructions_en",
    "max_photo_mb",
)


@transaction.atomic
def policy_update(*, actor, policy: ReturnPolicy, **fields: Any) -> ReturnPolicy:
    """Change the return policy; the legal minimums are enforced here."""
    require(actor, "returns.manage")
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown policy fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    policy = ReturnPolicy.objects.select_for_update().get(pk=policy.pk)
    before = audit.snapshot(policy, fields.keys())
    for name, value in fields.items():
        setattr(policy, name, value)
    errors = []
    try:
        for name in ("withdrawal_days", "business_window_days", "refund_deadline_days", "max_photo_mb"):
            setattr(policy, name, int(getattr(policy, name)))
        policy.auto_approve_max_amount = to_money(policy.auto_approve_max_amount)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Days, size and amount must be numbers."), code="bad_number")
    if policy.withdrawal_days < 14:
        errors.append(_("The right of withdrawal is at least 14 days by law."))
    if policy.business_window_days < policy.withdrawal_days:
        errors.append(_("The business's own window cannot be shorter than the right of withdrawal."))
    if not 1 <= policy.refund_deadline_days <= 365:
        errors.append(_("The refund deadline must be between 1 and 365 days."))
    if policy.business_window_days > 3650:
        errors.append(_("The business's own window must be at most 3650 days."))
    if policy.auto_approve_max_amount < 0:
        errors.append(_("The auto-approval amount cannot be negative."))
    if not 1 <= policy.max_photo_mb <= 20:
        errors.append(_("The photo size limit must be between 1 and 20 MB."))
    if not (policy.name or "").strip():
        errors.append(_("The policy needs a name."))
    if errors:
        raise ValidationFailed(" ".join(str(e) for e in errors), code="bad_policy")
    policy.save()
    audit.record(
        actor=actor,
        action="return_policy.updated",
        target=policy,
        changes=audit.diff(before, audit.snapshot(policy, fields.keys())),
    )
    return policy


@transaction.atomic
def category_rule_save(
    *,
    actor,
    policy: ReturnPolicy,
    category,
    exclusion: str = "",
    window_days: int | None = None,
    condition_es: str = "",
    condition_en: str = "",
) -> CategoryRule:
    """Create or replace the rule of `category` in `policy`."""
    require(actor, "returns.manage")
    if exclusion not in CategoryRule.Exclusion.values:
        raise ValidationFailed(_("Unknown exclusion."), code="bad_exclusion")
    if window_days is not None and window_days != "":
        try:
            window_days = int(window_days)
        except (TypeError, ValueError):
            raise ValidationFailed(_("The window must be a number of days."), code="bad_number")
        if window_days < policy.withdrawal_days or window_days > 3650:
            raise ValidationFailed(
                _("A category's window must be between %(min)s and 3650 days.")
                % {"min": policy.withdrawal_days},
                code="bad_window",
            )
    else:
        window_days = None
    rule, _created = CategoryRule.objects.update_or_create(
        policy=policy,
        category=category,
        defaults={
            "exclusion": exclusion,
            "window_days": window_days,
            "condition_es": (condition_es or "").strip()[:300],
            "condition_en": (condition_en or "").strip()[:300],
        },
    )
    audit.record(
        actor=actor,
        action="return_policy.rule_saved",
        target=policy,
        changes={"category": category.slug, "exclusion": exclusion, "window_days": window_days},
    )
    return rule


@transaction.atomic
def category_rule_delete(*, actor, rule: CategoryRule) -> None:
    require(actor, "returns.manage")
    audit.record(
        actor=actor,
        action="return_policy.rule_deleted",
        target=rule.policy,
        changes={"category": rule.category_id},
    )
    rule.delete()


@transaction.atomic
def reason_save(
    *,
    actor,
    reason: ReturnReason | None = None,
    code: str = "",
    label_es: str,
    label_en: str,
    business_pays_shipping: bool = False,
    is_active: bool = True,
    position: int = 100,
) -> ReturnReason:
    """Create a custom reason, or edit any reason's labels, shipping rule and order."""
    from django.utils.text import slugify

    require(actor, "returns.manage")
    label_es, label_en = (label_es or "").strip()[:120], (label_en or "").strip()[:120]
    if not label_es or not label_en:
        raise ValidationFailed(_("A reason needs a Spanish and an English label."), code="label_required")
    if reason is None:
        code = slugify(code or label_en)[:40]
        if not code:
            raise ValidationFailed(_("A reason needs a code."), code="code_required")
        if ReturnReason.objects.filter(code=code).exists():
            raise Conflict(
                _("A reason with the code “%(c)s” already exists.") % {"c": code}, code="duplicate_code"
            )
        reason = ReturnReason(code=code)
    reason.label_es, reason.label_en = label_es, label_en
    reason.business_pays_shipping = bool(business_pays_shipping)
    reason.is_active = bool(is_active)
    try:
        reason.position = max(0, min(int(position), 1000))
    except (TypeError, ValueError):
        raise ValidationFailed(_("The position must be a number."), code="bad_number")
    reason.save()
    audit.record(actor=actor, action="return_reason.saved", target=reason, changes={"label_en": label_en})
    return reason
