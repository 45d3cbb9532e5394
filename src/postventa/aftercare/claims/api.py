"""REST endpoints: warranty claims (mounted at /api/v1/claims). Thin: parse, call one service, map."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.claims import selectors, services, states
from postventa.aftercare.claims.models import ClaimChannel, ClaimStatus, WarrantyClaim
from postventa.aftercare.claims.schemas import (
    ClaimDetailOut,
    ClaimIn,
    ClaimPage,
    DecideIn,
    RateReportOut,
    RemedyIn,
    TransitionIn,
)
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Warranty claims"])


def _row(c: WarrantyClaim) -> dict:
    return {
        "id": c.pk, "number": c.number, "status": c.status, "customer_id": c.customer_id, "asset_id": c.asset_id,
        "product_id": c.product_id, "serial_number": c.asset.serial_number, "product_sku": c.product.sku,
        "channel": c.channel, "covered": c.covered, "filed_at": c.filed_at, "status_changed_at": c.status_changed_at,
        "ticket_id": c.ticket_id, "remedy": c.remedy,
    }  # fmt: skip


def _detail(claim_id: int) -> dict:
    c = selectors.claim_detail(claim_id)
    if c is None:
        raise NotFound(_("That claim does not exist."))
    return {
        **_row(c),
        "symptoms": c.symptoms,
        "preferred_remedy": c.preferred_remedy,
        "coverage": {
            "covered": c.covered,
            "kind": c.coverage_kind,
            "ends_on": c.coverage_ends_on,
            "presumption_until": c.presumption_until,
            "presumption_applies": c.presumption_applies,
            "sentence": c.coverage_sentence,
        },  # fmt: skip
        "rejection_reason": c.rejection_reason,
        "decided_at": c.decided_at,
        "remedy_grounds": list(c.remedy_grounds or []),
        "remedy_justification": c.remedy_justification,
        "remedy_amount": c.remedy_amount,
        "remedy_currency": c.remedy_currency,
        "repair_order_id": c.repair_order_id,
        "replacement_order_id": c.replacement_order_id,
        "refund_id": c.refund_id,
        "resolved_at": c.resolved_at,
        "closed_at": c.closed_at,
        "allowed_next": states.next_statuses(c.status),
        "photos": list(c.photos.all()),
        "history": list(c.history.all()),
    }


def _get(claim_id: int) -> WarrantyClaim:
    claim = (
        WarrantyClaim.objects.select_related("customer", "asset", "product", "ticket")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound(_("That claim does not exist."))
    return claim


@router.get("", response=ClaimPage)
def claim_list(
    request,
    status: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    covered: bool | None = None,
    older_than_days: int | None = Query(None, ge=1, le=3650),
    q: str = "",
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "claims.view")
    if status and status not in ClaimStatus.values:
        raise ValidationFailed(
            _("“%(status)s” is not a claim status.") % {"status": status[:40]}, code="unknown_status"
        )
    qs = selectors.claim_list(
        status=status, product_id=product_id, customer_id=customer_id, asset_id=asset_id, covered=covered,
        older_than_days=older_than_days, q=q[:40],
    )  # fmt: skip
    page = keyset_page(
        qs, cursor=cursor, page_size=page_size or settings.API_PAGE_SIZE, order_field="filed_at"
    )
    return {"items": [_row(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/reports/claim-rate", response=RateReportOut)
def claim_rate(
    request,
    start: dt.date | None = None,
    end: dt.date | None = None,
    sort: str = "rate",
    product_id: int | None = None,
):
    """Claims per product over its installed base (units sold or registered), per 100 units."""
    require(request.user, "claims.view")
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=365)
    if start > end:
        raise ValidationFailed(_("The period starts after it ends."), code="bad_period")
    if sort not in selectors.SORTS:
        raise ValidationFailed(_("Sort by rate, claims, units or product."), code="bad_sort")
    rows = selectors.claim_rate(start=start, end=end, sort=sort, product_id=product_id)
    items = [{**{k: getattr(r, k) for k in (
        "product_id", "sku", "name", "claims", "covered", "rejected", "units_sold", "assets", "base")},
        "rate_per_100": r.rate} for r in rows]  # fmt: skip
    return {"start": start, "end": end, "items": items}


@router.get("/{claim_id}", response=ClaimDetailOut)
def claim_detail(request, claim_id: int):
    require(request.user, "claims.view")
    return _detail(claim_id)


@router.post("", response={201: ClaimDetailOut})
def claim_create(request, data: ClaimIn):
    """File a claim for a customer (a phone call, a shop counter); opens its ticket."""
    from postventa.customers.models import Customer

    require(request.user, "claims.change")
    customer = Customer.objects.filter(pk=data.customer_id).first()
    if customer is None:
        raise ValidationFailed(_("That customer does not exist."), code="unknown_customer")
    claim = services.claim_file(
        customer=customer, asset_id=data.asset_id, serial=data.serial_number, symptoms=data.symptoms,
        preferred_remedy=data.preferred_remedy, channel=ClaimChannel.STAFF, actor=request.user,
    )  # fmt: skip
    return Status(201, _detail(claim.pk))


@router.post("/{claim_id}/transition", response=ClaimDetailOut)
def claim_transition(request, claim_id: int, data: TransitionIn):
    require(request.user, "claims.change")
    services.claim_transition(claim=_get(claim_id), actor=request.user, to_status=data.to, note=data.note,
                              reason=data.reason)  # fmt: skip
    return _detail(claim_id)


@router.post("/{claim_id}/decide", response=ClaimDetailOut)
def claim_decide(request, claim_id: int, data: DecideIn):
    require(request.user, "claims.change")
    claim = _get(claim_id)
    if data.decision == "approve":
        services.claim_approve(claim=claim, actor=request.user, note=data.note)
    elif data.decision == "reject":
        services.claim_reject(claim=claim, actor=request.user, reason=data.reason)
    else:
        raise ValidationFailed(_("The decision is approve or reject."), code="bad_decision")
    return _detail(claim_id)


@router.post("/{claim_id}/remedy", response=ClaimDetailOut)
def claim_remedy(request, claim_id: int, data: RemedyIn):
    require(request.user, "claims.change")
    services.claim_choose_remedy(
        claim=_get(claim_id), actor=request.user, remedy=data.remedy, grounds=data.grounds,
        justification=data.justification, amount=data.amount, currency=data.currency,
        refund_method=data.refund_method,
    )  # fmt: skip
    return _detail(claim_id)


@router.get("/{claim_id}/photos/{photo_id}")
def claim_photo(request, claim_id: int, photo_id: int):
    from postventa.aftercare.claims.models import ClaimPhoto
    from postventa.helpdesk.downloads import file_response

    require(request.user, "claims.view")
    photo = ClaimPhoto.objects.filter(pk=photo_id, claim_id=claim_id).first()
    if photo is None:
        raise NotFound(_("That photo does not exist."))
    return file_response(photo)
