"""REST endpoints: warranties and coverage (mounted in postventa.api at /api/v1/warranties)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.warranties import coverage as cov
from postventa.aftercare.warranties import selectors, services
from postventa.aftercare.warranties.models import WarrantyPlan, WarrantyTerms
from postventa.aftercare.warranties.schemas import (
    CoverageLookupOut,
    ExtendedWarrantyIn,
    ExtendedWarrantyOut,
    TermsDetailOut,
    TermsIn,
    TermsPage,
    TermsVersionIn,
    TermsVersionOut,
)
from postventa.core.errors import ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Warranties and coverage"])


def guarantee_dict(g) -> dict:
    return {
        "kind": g.kind,
        "name": g.name,
        "starts_on": g.starts_on,
        "ends_on": g.ends_on,
        "active": g.active,
        "terms_version_id": g.terms_version_id,
        "reason": g.reason,
        "fault": g.fault,
    }


def coverage_dict(c) -> dict:
    return {
        "asset_id": c.asset_id,
        "serial_number": c.extra.get("serial_number") or None,
        "product_sku": c.extra.get("product_sku") or None,
        "on": c.on,
        "delivered_on": c.delivered_on,
        "covered": c.covered,
        "covering": guarantee_dict(c.covering) if c.covering else None,
        "guarantees": [guarantee_dict(g) for g in c.guarantees],
        "legal_ends_on": c.legal_ends_on,
        "presumption_until": c.presumption_until,
        "spare_parts_until": c.spare_parts_until,
        "jurisdiction": c.jurisdiction,
        "product_kind": c.product_kind,
        "sentence": c.sentence,
    }


@router.get(
    "/coverage",
    response=CoverageLookupOut,
    summary="What is covered, by which guarantee, until when and why (give exactly one key)",
)
def coverage_lookup(
    request,
    serial: str | None = None,
    asset_id: int | None = Query(None, ge=1, le=2**62),
    order_id: int | None = Query(None, ge=1, le=2**62),
    order_line_id: int | None = Query(None, ge=1, le=2**62),
    product: str | None = Query(
        None, max_length=64, description="SKU or id when a serial is on several products"
    ),
    on: dt.date | None = None,
    language: str | None = Query(None, pattern="^(es|en)$"),
):
    require(request.user, "warranties.view")
    given = [
        k
        for k, v in (
            ("serial", serial),
            ("asset_id", asset_id),
            ("order_id", order_id),
            ("order_line_id", order_line_id),
        )
        if v not in (None, "")
    ]
    if len(given) != 1:
        raise ValidationFailed(
            _("Give exactly one of serial, asset_id, order_id or order_line_id."),
            code="one_key_required",
            extra={"given": given},
        )
    if serial not in (None, ""):
        items = [cov.coverage_for_serial(serial, on=on, language=language, product=product)]
    elif asset_id:
        items = [cov.coverage_for_asset(asset_id, on=on, language=language)]
    elif order_id:
        items = cov.coverage_for_order(order_id, on=on, language=language)
    else:
        items = [cov.coverage_for_order_line(order_line_id, on=on, language=language)]
    return {"items": [coverage_dict(c) for c in items]}


def _terms_out(terms: WarrantyTerms) -> dict:
    return {
        "id": terms.pk,
        "slug": terms.slug,
        "title_es": terms.title_es,
        "title_en": terms.title_en,
        "current_version": selectors.current_number(terms),
        "created_at": terms.created_at,
    }


@router.get("/terms", response=TermsPage, summary="Warranty terms")
def list_terms(request, cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE)):
    require(request.user, "warranties.view")
    page = keyset_page(selectors.terms_list(), cursor=cursor, page_size=page_size)
    return {"items": [_terms_out(t) for t in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/terms",
    response={201: TermsDetailOut},
    summary="New terms with a draft first version (warranties.manage)",
)
def create_terms(request, payload: TermsIn):
    terms = services.terms_create(acting_user=request.user, **payload.dict())
    return Status(201, {**_terms_out(terms), "versions": selectors.versions_of(terms)})


@router.get("/terms/{terms_id}", response=TermsDetailOut, summary="Terms with every version")
def get_terms(request, terms_id: int):
    require(request.user, "warranties.view")
    terms = selectors.terms_get(terms_id)
    return {**_terms_out(terms), "versions": selectors.versions_of(terms)}


@router.post(
    "/terms/{terms_id}/versions",
    response={201: TermsVersionOut},
    summary="Write a new draft version (warranties.manage)",
)
def create_version(request, terms_id: int, payload: TermsVersionIn):
    require(request.user, "warranties.manage")
    terms = selectors.terms_get(terms_id)
    return Status(201, services.terms_version_create(acting_user=request.user, terms=terms, **payload.dict()))


@router.post(
    "/terms/{terms_id}/versions/{version_id}/publish",
    response=TermsVersionOut,
    summary="Publish a draft version; earlier buyers keep the version they got (warranties.manage)",
)
def publish_version(request, terms_id: int, version_id: int):
    require(request.user, "warranties.manage")
    version = selectors.version_get(selectors.terms_get(terms_id), version_id)
    return services.terms_version_publish(acting_user=request.user, version=version)


@router.post(
    "/assets/{asset_id}/extended-warranties",
    response={201: ExtendedWarrantyOut},
    summary="Sell an extended warranty for one unit (warranties.change)",
)
def sell_extended(request, asset_id: int, payload: ExtendedWarrantyIn):
    from postventa.catalog.models import Asset

    require(request.user, "warranties.change")
    asset = services.get_or_404(Asset, asset_id, _("That product unit does not exist."))
    data = payload.dict()
    plan = terms = None
    if data.pop("plan_id", None):
        plan = services.get_or_404(WarrantyPlan, payload.plan_id, _("That warranty plan does not exist."))
    if data.pop("terms_id", None):
        terms = services.get_or_404(WarrantyTerms, payload.terms_id, _("Those warranty terms do not exist."))
    row = services.extended_warranty_sell(
        acting_user=request.user, asset=asset, plan=plan, terms=terms, **data
    )
    return Status(201, row)


@router.get(
    "/assets/{asset_id}/extended-warranties",
    response=list[ExtendedWarrantyOut],
    summary="Extended warranties bought for one unit",
)
def list_extended(request, asset_id: int):
    from postventa.catalog.models import Asset

    require(request.user, "warranties.view")
    asset = services.get_or_404(Asset, asset_id, _("That product unit does not exist."))
    return selectors.extended_of_asset(asset)
