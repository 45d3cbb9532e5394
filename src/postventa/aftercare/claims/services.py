"""Every write to warranty claims: filing, review, decision, remedy, resolution, closing.

`actor=None` means the customer (portal, chatbot) or the system (a receiver); staff calls always
pass the signed-in user, are checked against "claims.change" and leave an audit row. Each function
runs in one transaction and emits its event there, so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.claims import photos as photo_store
from postventa.aftercare.claims import states
from postventa.aftercare.claims.models import (
    FIRST_TIER,
    OVERRIDE_GROUNDS,
    SECOND_TIER,
    SECOND_TIER_GROUNDS,
    ClaimChannel,
    ClaimHistory,
    ClaimSequence,
    ClaimStatus,
    PreferredRemedy,
    Remedy,
    RemedyGround,
    WarrantyClaim,
)
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record

SYMPTOMS_MIN = 10
SYMPTOMS_MAX = 5000
REASON_MIN = 10
JUSTIFICATION_MIN = 20
# Which helpdesk channel a claim's ticket is opened on.
TICKET_CHANNEL = {
    ClaimChannel.PORTAL: "web_form",
    ClaimChannel.STAFF: "console",
    ClaimChannel.CHATBOT: "web_chat",
    ClaimChannel.API: "api",
}


# --- helpers -------------------------------------------------------------------------------


def next_number(now: dt.datetime) -> str:
    """CLM-<year>-<6 digits>, under a row lock so concurrent filings never share a number."""
    year = now.year
    seq, _created = ClaimSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"CLM-{year}-{seq.last_value:06d}"


def _lock(claim: WarrantyClaim) -> WarrantyClaim:
    locked = WarrantyClaim.objects.select_for_update().filter(pk=claim.pk).first()
    if locked is None:
        raise NotFound(_("That claim does not exist."))
    return locked


def _actor_label(actor) -> str:
    if actor is None:
        return ""
    return (actor.get_full_name() or actor.get_username())[:200]


def _history(claim, *, action: str, from_status: str = "", to_status: str = "", note: str = "",
             public: bool = True, actor=None, now: dt.datetime) -> ClaimHistory:  # fmt: skip
    return ClaimHistory.objects.create(
        claim=claim, action=action, from_status=from_status, to_status=to_status, note=note[:5000],
        public=public, actor=actor if getattr(actor, "pk", None) else None, actor_label=_actor_label(actor),
        occurred_at=now,
    )  # fmt: skip


def payload(claim: WarrantyClaim, **extra: Any) -> dict[str, Any]:
    return {
        "claim_id": claim.pk,
        "number": claim.number,
        "status": claim.status,
        "customer_id": claim.customer_id,
        "asset_id": claim.asset_id,
        "product_id": claim.product_id,
        "covered": claim.covered,
        "ticket_id": claim.ticket_id,
        **extra,
    }


def _ticket_note(claim: WarrantyClaim, text: str, now: dt.datetime) -> None:
    """An internal line on the claim's ticket, so the agent working it sees the claim's progress."""
    if claim.ticket_id is None:
        return
    from postventa.helpdesk.services import system_message

    system_message(claim.ticket, text, public=False, now=now)


def _move(claim: WarrantyClaim, to_status: str, *, actor, now: dt.datetime, note: str = "",
          action: str = "", event: bool = True, extra: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Change status (refusing illegal moves), record history, audit and emit, in the caller's transaction."""
    from_status = claim.status
    states.check(from_status, to_status)
    claim.status = to_status
    claim.status_changed_at = now
    if to_status == ClaimStatus.RESOLVED:
        claim.resolved_at = now
    if to_status == ClaimStatus.CLOSED:
        claim.closed_at = now
    claim.save()
    _history(claim, action=action or f"status:{to_status}", from_status=from_status, to_status=to_status,
             note=note, actor=actor, now=now)  # fmt: skip
    if actor is not None:
        audit.record(
            actor=actor,
            action=f"claim.{to_status}",
            target=claim,
            changes={"status": [from_status, to_status]},
        )
    _ticket_note(
        claim,
        _("Warranty claim %(number)s: %(from)s → %(to)s.")
        % {"number": claim.number, "from": ClaimStatus(from_status).label, "to": ClaimStatus(to_status).label}
        + (f"\n{note}" if note else ""),
        now,
    )
    if event and to_status in states.EVENT_FOR:
        emit(
            states.EVENT_FOR[to_status],
            payload=payload(claim, from_status=from_status, note=note, **(extra or {})),
            customer_id=claim.customer_id,
            actor_id=getattr(actor, "pk", None),
        )


def _staff(actor, permission: str = "claims.change") -> None:
    if actor is None:
        raise ValidationFailed(_("This step needs the staff member who takes it."), code="actor_required")
    require(actor, permission)


# --- filing --------------------------------------------------------------------------------


def resolve_asset(*, customer, asset=None, asset_id: int | None = None, serial: str = ""):
    """The customer's unit from an Asset, an id or a serial number; clear errors otherwise."""
    from postventa.catalog.models import Asset

    if asset is None and asset_id:
        asset = Asset.objects.select_related("product").filter(pk=asset_id).first()
        if asset is None:
            raise ValidationFailed(_("That product unit does not exist."), code="unknown_asset")
    if asset is None:
        serial = " ".join((serial or "").split())[:80]
        if not serial:
            raise ValidationFailed(
                _("Say which product the claim is about: choose it or give its serial number."),
                code="asset_required",
            )
        candidates = list(Asset.objects.select_related("product").filter(serial_number__iexact=serial)[:20])
        if not candidates:
            raise ValidationFailed(
                _("No registered product has the serial number %(serial)s. Check it on the product's label, "
                  "or register the product first.") % {"serial": serial},
                code="unknown_serial",
            )  # fmt: skip
        own = [a for a in candidates if a.customer_id == customer.pk]
        if not own:
            raise ValidationFailed(
                _("The product with serial number %(serial)s is not registered to this customer.")
                % {"serial": serial},
                code="asset_not_owned",
            )
        if len(own) > 1:
            raise ValidationFailed(
                _(
                    "Several of this customer's products have the serial number %(serial)s: choose the product."
                )
                % {"serial": serial},
                code="serial_ambiguous",
            )
        return own[0]
    if asset.customer_id != customer.pk:
        raise ValidationFailed(
            _("That product unit is not registered to this customer."), code="asset_not_owned"
        )
    return asset


def coverage_preview(asset, *, now: dt.datetime | None = None):
    """The coverage the customer is shown before filing (same computation as the snapshot)."""
    from postventa.aftercare.claims.coverage import customer_today, snapshot_for

    now = now or timezone.now()
    customer = asset.customer
    return snapshot_for(asset, on=customer_today(customer, now), language=customer.language or None)


@transaction.atomic
def claim_file(
    *,
    customer,
    symptoms: str,
    channel: str,
    asset=None,
    asset_id: int | None = None,
    serial: str = "",
    photos: Iterable[Any] = (),
    preferred_remedy: str = "",
    actor=None,
    now: dt.datetime | None = None,
) -> WarrantyClaim:
    """File a claim about one of `customer`'s units; opens its helpdesk ticket.

    The one entry point for the portal, the console, the API and (later) the chatbot. Filing out
    of coverage is allowed and flagged (`covered=False`): an agent decides.
    """
    from postventa.aftercare.claims.coverage import customer_today, snapshot_for
    from postventa.helpdesk.services import ticket_create

    now = now or timezone.now()
    if channel not in ClaimChannel.values:
        raise ValidationFailed(
            _("Unknown claim channel %(channel)s.") % {"channel": channel}, code="bad_channel"
        )
    if actor is not None:
        require(actor, "claims.change")
    elif channel == ClaimChannel.STAFF:
        raise ValidationFailed(_("A claim filed by staff needs the staff member."), code="actor_required")
    if customer is None or getattr(customer, "erased_at", None) is not None:
        raise Conflict(
            _("This customer's data was erased; no claim can be filed for them."), code="customer_erased"
        )
    symptoms = (symptoms or "").replace("\x00", "").strip()
    if len(symptoms) < SYMPTOMS_MIN:
        raise ValidationFailed(
            _("Describe the problem in at least %(n)s characters: what happens, and since when.")
            % {"n": SYMPTOMS_MIN},
            code="symptoms_required",
        )
    if len(symptoms) > SYMPTOMS_MAX:
        raise ValidationFailed(
            _("The description is too long (at most %(n)s characters).") % {"n": SYMPTOMS_MAX},
            code="symptoms_too_long",
        )
    if preferred_remedy not in PreferredRemedy.values:
        raise ValidationFailed(_("Choose repair, replacement or no preference."), code="bad_preferred_remedy")
    asset = resolve_asset(customer=customer, asset=asset, asset_id=asset_id, serial=serial)
    open_claim = (
        WarrantyClaim.objects.filter(asset=asset)
        .exclude(status__in=(ClaimStatus.REJECTED, ClaimStatus.RESOLVED, ClaimStatus.CLOSED))
        .only("number")
        .first()
    )
    if open_claim is not None:
        raise Conflict(
            _("This product already has an open claim, %(number)s: add to it instead.")
            % {"number": open_claim.number},
            code="claim_already_open",
            extra={"number": open_claim.number},
        )
    checked = photo_store.check_all(photos)
    snap = snapshot_for(asset, on=customer_today(customer, now), language=customer.language or None)
    number = next_number(now)
    product = asset.product

    order_id = asset.order_line.order_id if asset.order_line_id else None
    body = _(
        "Warranty claim %(number)s\nProduct: %(product)s (SKU %(sku)s), serial number %(serial)s\n"
        "Coverage at filing: %(coverage)s\n\n%(symptoms)s"
    ) % {
        "number": number, "product": product.name, "sku": product.sku, "serial": asset.serial_number,
        "coverage": snap.sentence or (_("covered") if snap.covered else _("not covered")), "symptoms": symptoms,
    }  # fmt: skip
    ticket = ticket_create(
        customer=customer,
        subject=_("Warranty claim %(number)s: %(product)s") % {"number": number, "product": product.name},
        body=body,
        channel=TICKET_CHANNEL[channel],
        acting_user=actor,
        author_customer=True,
        type="incident",
        asset_id=asset.pk,
        order_id=order_id,
        tags=["warranty-claim"] + ([] if snap.covered else ["out-of-coverage"]),
        acknowledge=False,  # the claim sends its own "received" email
        now=now,
    )
    claim = WarrantyClaim.objects.create(
        number=number,
        customer=customer,
        asset=asset,
        product=product,
        status=ClaimStatus.SUBMITTED,
        status_changed_at=now,
        channel=channel,
        symptoms=symptoms,
        preferred_remedy=preferred_remedy,
        filed_at=now,
        filed_by=actor if getattr(actor, "pk", None) else None,
        ticket=ticket,
        covered=snap.covered,
        coverage_kind=snap.kind[:16],
        coverage_ends_on=snap.ends_on,
        presumption_until=snap.presumption_until,
        presumption_applies=snap.presumption_applies,
        coverage_sentence=snap.sentence,
        coverage_snapshot=snap.data,
        created_at=now,
    )
    _history(claim, action="filed", to_status=ClaimStatus.SUBMITTED, actor=actor, now=now,
             note="" if snap.covered else _("Filed out of coverage."))  # fmt: skip
    photo_store.store(claim, checked, by_customer=actor is None, now=now)
    if actor is not None:
        audit.record(
            actor=actor,
            action="claim.filed",
            target=claim,
            changes={"asset": asset.pk, "covered": snap.covered},
        )
    timeline_record(
        customer_id=customer.pk,
        kind="claim.filed",
        summary=f"{number} · {product.name}",
        data={"claim_id": claim.pk, "number": number, "product": product.name, "covered": snap.covered},
        link=claim_link(claim),
        source=("claim", claim.pk),
        actor=actor,
        occurred_at=now,
    )
    emit(
        "claim.submitted",
        payload=payload(claim, channel=channel, coverage_kind=claim.coverage_kind,
                        coverage_ends_on=claim.coverage_ends_on, presumption_applies=claim.presumption_applies),
        customer_id=customer.pk,
        actor_id=getattr(actor, "pk", None),
    )  # fmt: skip
    return claim


def claim_link(claim: WarrantyClaim) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("console:claim_detail", args=[claim.pk])
    except NoReverseMatch:
        return ""


# --- review and decision -------------------------------------------------------------------


@transaction.atomic
def claim_start_review(
    *, claim: WarrantyClaim, actor, note: str = "", now: dt.datetime | None = None
) -> WarrantyClaim:
    _staff(actor)
    now = now or timezone.now()
    claim = _lock(claim)
    _move(claim, ClaimStatus.IN_REVIEW, actor=actor, now=now, note=(note or "").strip())
    return claim


@transaction.atomic
def claim_approve(
    *, claim: WarrantyClaim, actor, note: str = "", now: dt.datetime | None = None
) -> WarrantyClaim:
    """The claim is a lack of conformity the business answers for; next, the remedy."""
    _staff(actor)
    now = now or timezone.now()
    claim = _lock(claim)
    claim.decided_at, claim.decided_by = now, actor
    _move(claim, ClaimStatus.APPROVED, actor=actor, now=now, note=(note or "").strip()[:2000])
    return claim


@transaction.atomic
def claim_reject(
    *, claim: WarrantyClaim, actor, reason: str, now: dt.datetime | None = None
) -> WarrantyClaim:
    """Refuse the claim; the customer receives the reason, so it is required."""
    _staff(actor)
    now = now or timezone.now()
    reason = (reason or "").strip()[:2000]
    if len(reason) < REASON_MIN:
        raise ValidationFailed(
            _("Give the customer the reason for the rejection (at least %(n)s characters).")
            % {"n": REASON_MIN},
            code="reason_required",
        )
    claim = _lock(claim)
    states.check(claim.status, ClaimStatus.REJECTED)
    claim.decided_at, claim.decided_by, claim.rejection_reason = now, actor, reason
    _move(claim, ClaimStatus.REJECTED, actor=actor, now=now, note=reason, extra={"reason": reason})
    return claim


# --- remedy --------------------------------------------------------------------------------


def _clean_grounds(grounds: Iterable[str]) -> list[str]:
    out = []
    for g in grounds or []:
        if g not in RemedyGround.values:
            raise ValidationFailed(
                _("“%(ground)s” is not a remedy ground.") % {"ground": str(g)[:40]}, code="bad_ground"
            )
        if g not in out:
            out.append(g)
    return out


def check_remedy(*, claim: WarrantyClaim, remedy: str, grounds: list[str], justification: str) -> None:
    """The legal order of remedies (TRLGDCU art. 119 bis and ter, as amended by RDL 7/2021).

    Repair or replacement first, as the customer chose unless that choice is impossible or
    disproportionate; price reduction or termination only when repair and replacement are
    impossible, disproportionate, failed, were not done in a reasonable time, or the defect is
    serious. Any departure needs its ground and a written justification.
    """
    if remedy not in Remedy.values:
        raise ValidationFailed(_("Choose a remedy: repair, replacement, price reduction or termination."),
                               code="bad_remedy")  # fmt: skip
    if remedy in FIRST_TIER:
        preferred = claim.preferred_remedy
        if preferred and preferred != remedy:
            if not set(grounds) & set(OVERRIDE_GROUNDS):
                raise ValidationFailed(
                    _("The customer chose %(choice)s. Another remedy is lawful only when their choice is "
                      "impossible or disproportionate: say which, and why.")
                    % {"choice": Remedy(preferred).label.lower()},
                    code="customer_choice_required",
                )  # fmt: skip
            if len(justification) < JUSTIFICATION_MIN:
                raise ValidationFailed(
                    _("Explain in writing why the customer's choice is impossible or disproportionate "
                      "(at least %(n)s characters).") % {"n": JUSTIFICATION_MIN},
                    code="justification_required",
                )  # fmt: skip
        return
    if not set(grounds) & set(SECOND_TIER_GROUNDS):
        raise ValidationFailed(
            _("A price reduction or termination is only lawful when repair and replacement are impossible or "
              "disproportionate, failed, were not done in a reasonable time, or the defect is serious. "
              "Choose the ground that applies."),
            code="second_tier_without_grounds",
        )  # fmt: skip
    if len(justification) < JUSTIFICATION_MIN:
        raise ValidationFailed(
            _("Write the justification for a price reduction or termination (at least %(n)s characters).")
            % {"n": JUSTIFICATION_MIN},
            code="justification_required",
        )


def _price_paid(asset) -> tuple[Decimal | None, str, Any]:
    """(unit price paid, currency, order) from the unit's order line, when it came from an order."""
    line = asset.order_line if asset.order_line_id else None
    if line is None:
        return None, "", None
    return line.unit_price, line.order.currency, line.order


@transaction.atomic
def claim_choose_remedy(
    *,
    claim: WarrantyClaim,
    actor,
    remedy: str,
    grounds: Iterable[str] = (),
    justification: str = "",
    amount: Decimal | str | None = None,
    currency: str = "",
    refund_method: str = "original_payment",
    now: dt.datetime | None = None,
) -> WarrantyClaim:
    """Record the remedy and set it going: a repair order, a replacement order, or a refund."""
    _staff(actor)
    now = now or timezone.now()
    justification = (justification or "").strip()[:5000]
    grounds = _clean_grounds(grounds)
    claim = _lock(claim)
    if claim.status != ClaimStatus.APPROVED:
        raise Conflict(
            _("A remedy can only be chosen for an approved claim; this one is “%(status)s”.")
            % {"status": ClaimStatus(claim.status).label},
            code="not_approved",
        )
    check_remedy(claim=claim, remedy=remedy, grounds=grounds, justification=justification)
    asset = claim.asset
    extra: dict[str, Any] = {"remedy": remedy, "grounds": grounds}
    value: Decimal | None = None
    if remedy in SECOND_TIER:
        require(actor, "refunds.change")
        from postventa.core.money import to_money

        paid, paid_currency, _order = _price_paid(asset)
        if amount in (None, "") and remedy == Remedy.TERMINATION and paid is not None:
            amount = paid
        try:
            value = to_money(amount) if amount not in (None, "") else None
        except (TypeError, ValueError):
            value = None
        if value is None or value <= 0:
            raise ValidationFailed(_("Give the amount to refund."), code="amount_required")
        if paid is not None and value > paid:
            raise ValidationFailed(
                _("The refund cannot exceed the price paid for the unit (%(paid)s %(currency)s).")
                % {"paid": paid, "currency": paid_currency},
                code="amount_over_price",
            )
        if remedy == Remedy.PRICE_REDUCTION and paid is not None and value >= paid:
            raise ValidationFailed(
                _("A price reduction is part of the price: for the whole price, choose termination."),
                code="reduction_not_partial",
            )
        currency = (currency or paid_currency or "EUR").strip().upper()
        extra.update(amount=str(value), currency=currency)

    previous = claim.remedy
    claim.remedy = remedy
    claim.remedy_grounds = grounds
    claim.remedy_justification = justification
    claim.remedy_chosen_at, claim.remedy_chosen_by = now, actor
    claim.remedy_amount = value
    claim.remedy_currency = currency if value is not None else ""
    claim.save()
    _history(
        claim, action="remedy_chosen", note=f"{Remedy(remedy).label}" + (f": {justification}" if justification else ""),
        actor=actor, now=now,
    )  # fmt: skip
    audit.record(
        actor=actor, action="claim.remedy_chosen", target=claim,
        changes={"remedy": [previous, remedy], "grounds": grounds, "justification": justification,
                 "amount": str(value) if value is not None else None},
    )  # fmt: skip
    emit("claim.remedy_chosen", payload=payload(claim, justification=justification, **extra),
         customer_id=claim.customer_id, actor_id=actor.pk)  # fmt: skip

    if remedy == Remedy.REPAIR:
        from postventa.aftercare.repairs.services import open_repair

        repair = open_repair(
            actor=actor, asset=asset, fault=claim.symptoms, under_warranty=True, claim_id=claim.pk,
            ticket=claim.ticket, now=now,
        )  # fmt: skip
        claim.repair_order_id = repair.pk
        claim.save(update_fields=["repair_order_id", "updated_at"])
        _move(claim, ClaimStatus.REMEDY_IN_PROGRESS, actor=actor, now=now, extra={"repair_order_id": repair.pk},
              note=_("Repair order %(ref)s opened.") % {"ref": getattr(repair, "number", repair.pk)})  # fmt: skip
    elif remedy == Remedy.REPLACEMENT:
        order = _replacement_order(claim, actor=actor)
        claim.replacement_order = order
        claim.save(update_fields=["replacement_order", "updated_at"])
        _move(claim, ClaimStatus.REMEDY_IN_PROGRESS, actor=actor, now=now, extra={"replacement_order_id": order.pk},
              note=_("Replacement order %(number)s created.") % {"number": order.number})  # fmt: skip
    else:
        from postventa.aftercare.returns.refunds import record_refund

        _paid, _cur, order = _price_paid(asset)
        refund = record_refund(
            actor=actor, customer=claim.customer, amount=value, currency=currency, method=refund_method,
            reference=claim.number, order=order, source_type="claim", source_id=claim.pk,
            reason=f"{Remedy(remedy).label}: {justification}", now=now,
        )  # fmt: skip
        claim.refund_id = refund.pk
        claim.save(update_fields=["refund_id", "updated_at"])
        _move(claim, ClaimStatus.REMEDY_IN_PROGRESS, actor=actor, now=now, extra={"refund_id": refund.pk},
              note=_("Refund of %(amount)s %(currency)s recorded.") % {"amount": value, "currency": currency})  # fmt: skip
        # The refund is recorded as paid: the remedy is complete.
        claim.resolution_note = _("Refunded %(amount)s %(currency)s.") % {
            "amount": value,
            "currency": currency,
        }
        _move(claim, ClaimStatus.RESOLVED, actor=actor, now=now, note=claim.resolution_note,
              extra={"remedy": remedy, "refund_id": refund.pk})  # fmt: skip
    return claim


def _replacement_order(claim: WarrantyClaim, *, actor):
    """A zero-priced order for one new unit, shipped to where the original went; orders ships it."""
    from postventa.orders.models import Order
    from postventa.orders.services import order_create

    asset = claim.asset
    original = asset.order_line.order if asset.order_line_id else None
    ship: dict[str, str] = {}
    if original is not None:
        ship = {
            k: getattr(original, k)
            for k in ("ship_name", "ship_line1", "ship_postcode", "ship_city", "ship_country")
        }
    else:
        address = _default_address(claim.customer)
        if address:
            ship = address
    n = Order.objects.filter(number__startswith=f"{claim.number}-R").count() + 1
    return order_create(
        acting_user=actor,
        customer=claim.customer,
        number=f"{claim.number}-R{n}",
        lines=[{"sku": claim.product.sku, "description": _("Replacement under warranty claim %(number)s: %(product)s")
                % {"number": claim.number, "product": claim.product.name}, "quantity": 1, "unit_price": "0"}],
        status="paid",  # nothing to pay: straight to the warehouse
        currency=original.currency if original is not None else claim.product.currency or "EUR",
        source="staff",
        **ship,
    )  # fmt: skip


def _default_address(customer) -> dict[str, str]:
    address = customer.addresses.order_by("-is_default", "id").first()
    if address is None:
        return {}
    return {
        "ship_name": customer.display_name,
        "ship_line1": " ".join(x for x in (address.line1, address.line2) if x),
        "ship_postcode": address.postcode,
        "ship_city": address.city,
        "ship_country": address.country or "ES",
    }


@transaction.atomic
def claim_remedy_failed(
    *, claim: WarrantyClaim, actor, note: str, now: dt.datetime | None = None
) -> WarrantyClaim:
    """The remedy did not cure the defect: back to approved, to choose another (possibly second-tier)."""
    _staff(actor)
    now = now or timezone.now()
    note = (note or "").strip()[:2000]
    if len(note) < REASON_MIN:
        raise ValidationFailed(
            _("Say what failed (at least %(n)s characters).") % {"n": REASON_MIN}, code="note_required"
        )
    claim = _lock(claim)
    states.check(claim.status, ClaimStatus.APPROVED)
    _move(claim, ClaimStatus.APPROVED, actor=actor, now=now, note=note, action="remedy_failed", event=False)
    emit("claim.remedy_failed", payload=payload(claim, remedy=claim.remedy, note=note),
         customer_id=claim.customer_id, actor_id=actor.pk)  # fmt: skip
    return claim


# --- resolution and closing ----------------------------------------------------------------


@transaction.atomic
def claim_resolve(
    *, claim: WarrantyClaim, actor, note: str = "", now: dt.datetime | None = None
) -> WarrantyClaim:
    """The remedy is done (`actor=None`: a receiver saw the repair completed or the replacement delivered)."""
    if actor is not None:
        _staff(actor)
    now = now or timezone.now()
    claim = _lock(claim)
    note = (note or "").strip()[:2000]
    claim.resolution_note = note or claim.resolution_note
    _move(claim, ClaimStatus.RESOLVED, actor=actor, now=now, note=note, extra={"remedy": claim.remedy})
    return claim


@transaction.atomic
def claim_close(
    *, claim: WarrantyClaim, actor, note: str = "", now: dt.datetime | None = None
) -> WarrantyClaim:
    if actor is not None:
        _staff(actor)
    now = now or timezone.now()
    claim = _lock(claim)
    _move(claim, ClaimStatus.CLOSED, actor=actor, now=now, note=(note or "").strip()[:2000])
    return claim


def claim_transition(*, claim: WarrantyClaim, actor, to_status: str, note: str = "", reason: str = "",
                     now: dt.datetime | None = None) -> WarrantyClaim:  # fmt: skip
    """One entry point for "move to status X" (API, console buttons), dispatching to the use case."""
    if to_status == ClaimStatus.IN_REVIEW:
        return claim_start_review(claim=claim, actor=actor, note=note, now=now)
    if to_status == ClaimStatus.APPROVED:
        if claim.status == ClaimStatus.REMEDY_IN_PROGRESS:
            return claim_remedy_failed(claim=claim, actor=actor, note=note, now=now)
        return claim_approve(claim=claim, actor=actor, note=note, now=now)
    if to_status == ClaimStatus.REJECTED:
        return claim_reject(claim=claim, actor=actor, reason=reason or note, now=now)
    if to_status == ClaimStatus.RESOLVED:
        return claim_resolve(claim=claim, actor=actor, note=note, now=now)
    if to_status == ClaimStatus.CLOSED:
        return claim_close(claim=claim, actor=actor, note=note, now=now)
    if to_status == ClaimStatus.REMEDY_IN_PROGRESS:
        raise Conflict(_("Choose the remedy: that starts it."), code="use_remedy")
    states.check(claim.status, to_status)  # unknown or illegal: the same clear error
    raise Conflict(_("A claim cannot be moved back to “submitted”."), code="illegal_transition")


# --- reactions to other apps (called from receivers, idempotent) ---------------------------


def on_repair_completed(
    *, claim_id: int | None, repair_id: int | None, now: dt.datetime | None = None
) -> bool:
    """The claim's repair is done: resolve it (once; later or repeated events change nothing)."""
    claim = _claim_for_repair(claim_id, repair_id)
    if claim is None or claim.status != ClaimStatus.REMEDY_IN_PROGRESS or claim.remedy != Remedy.REPAIR:
        return False
    claim_resolve(claim=claim, actor=None, note=_("The repair was completed."), now=now)
    return True


def on_repair_closed(*, claim_id: int | None, repair_id: int | None, now: dt.datetime | None = None) -> bool:
    """The repair was collected and closed: close the claim (resolving it first if needed)."""
    claim = _claim_for_repair(claim_id, repair_id)
    if claim is None or claim.remedy != Remedy.REPAIR:
        return False
    with transaction.atomic():
        if claim.status == ClaimStatus.REMEDY_IN_PROGRESS:
            claim = claim_resolve(claim=claim, actor=None, note=_("The repair was completed."), now=now)
        if claim.status != ClaimStatus.RESOLVED:
            return False
        claim_close(
            claim=claim, actor=None, note=_("The repaired unit was returned to the customer."), now=now
        )
    return True


def on_replacement_delivered(*, order_id: int, now: dt.datetime | None = None) -> bool:
    claim = WarrantyClaim.objects.filter(replacement_order_id=order_id).order_by("-id").first()
    if claim is None or claim.status != ClaimStatus.REMEDY_IN_PROGRESS or claim.remedy != Remedy.REPLACEMENT:
        return False
    claim_resolve(claim=claim, actor=None, note=_("The replacement unit was delivered."), now=now)
    return True


def _claim_for_repair(claim_id, repair_id) -> WarrantyClaim | None:
    """The claim whose current repair is `repair_id` (an earlier, failed repair moves nothing)."""
    if not repair_id:
        return None
    qs = WarrantyClaim.objects.filter(repair_order_id=repair_id)
    if claim_id:
        qs = qs.filter(pk=claim_id)
    return qs.order_by("-id").first()
