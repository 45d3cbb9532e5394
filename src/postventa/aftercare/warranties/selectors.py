"""Warranties: reads shaped for the console, the portal and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from postventa.aftercare.warranties.models import (
    ExtendedWarranty,
    Jurisdiction,
    TermsVersion,
    WarrantyPlan,
    WarrantyTerms,
)
from postventa.core.errors import NotFound


def terms_list() -> QuerySet[WarrantyTerms]:
    published = TermsVersion.objects.filter(status=TermsVersion.Status.PUBLISHED).order_by("-number")
    return WarrantyTerms.objects.prefetch_related(
        Prefetch("versions", queryset=published, to_attr="published")
    )


def current_number(terms: WarrantyTerms) -> int | None:
    published = getattr(terms, "published", None)
    if published is None:
        published = list(terms.versions.filter(status=TermsVersion.Status.PUBLISHED).order_by("-number")[:1])
    return published[0].number if published else None


def terms_get(terms_id: int) -> WarrantyTerms:
    terms = WarrantyTerms.objects.filter(pk=terms_id).first() if 0 < terms_id < 2**62 else None
    if terms is None:
        raise NotFound(_("Those warranty terms do not exist."), code="terms_not_found")
    return terms


def version_get(terms: WarrantyTerms, version_id: int) -> TermsVersion:
    version = terms.versions.filter(pk=version_id).first() if 0 < version_id < 2**62 else None
    if version is None:
        raise NotFound(_("That version of the terms does not exist."), code="version_not_found")
    return version


def versions_of(terms: WarrantyTerms) -> list[TermsVersion]:
    return list(terms.versions.select_related("published_by", "created_by").order_by("-number"))


def plans(kind: str | None = None) -> QuerySet[WarrantyPlan]:
    qs = WarrantyPlan.objects.select_related("terms", "product")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def extended_of_asset(asset) -> list[ExtendedWarranty]:
    return list(
        ExtendedWarranty.objects.filter(asset_id=asset.pk)
        .select_related("terms_version", "sold_by")
        .order_by("starts_on")
    )


def jurisdictions() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.prefetch_related("rules").order_by("code"))


def customer_assets(customer) -> QuerySet:
    """The customer's units, with what coverage needs (see coverage.coverages_for_assets)."""
    from postventa.aftercare.warranties.coverage import _asset_queryset

    return _asset_queryset().filter(customer=customer).order_by("-created_at", "-id")


def customer_terms_version(customer, version_id: int) -> TermsVersion:
    """A terms version the customer holds (on one of their units), else 404."""
    from postventa.aftercare.warranties.coverage import coverages_for_assets

    held = set()
    for coverage in coverages_for_assets(list(customer_assets(customer))):
        held.update(g.terms_version_id for g in coverage.guarantees if g.terms_version_id)
    if version_id not in held:
        raise NotFound(_("Those terms are not among your products."), code="terms_not_found")
    return TermsVersion.objects.select_related("terms").get(pk=version_id)
