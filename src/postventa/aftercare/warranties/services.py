"""Warranties: every write (terms and versions, plans, profiles, extended sales, repair extensions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from postventa.aftercare.warranties.coverage import (
    add_months,
    clear_config_cache,
    coverage_for_asset,
    legal_period,
)
from postventa.aftercare.warranties.models import (
    ExtendedWarranty,
    GuaranteeExtension,
    Jurisdiction,
    LegalRule,
    ProductKind,
    TermsVersion,
    WarrantyPlan,
    WarrantyProfile,
    WarrantyTerms,
)
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require

MAX_EXTENDED_MONTHS = 120


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- repairs under guarantee ----------------------------------------------------------------------


@transaction.atomic
def extend_after_repair(
    *, asset, repair_started_on: dt.date, repair_completed_on: dt.date, fault: str, source_ref: str
) -> GuaranteeExtension | None:
    """Apply the jurisdiction's repair rules to `asset` after a repair under the legal guarantee.

    Spain (TRLGDCU art. 120 as amended by RDL 7/2021): the legal period stops while the unit is
    being repaired (repair_started_on = the day the customer handed it over) and the repaired
    fault is guaranteed for a year after the repaired unit is returned. Both are data on the
    Jurisdiction. Returns None when the repair was not under the legal guarantee or the
    jurisdiction has no such rules. Idempotent per `source_ref` (e.g. "repair:42").
    """
    source_ref = _text(source_ref)
    fault = _text(fault)
    if not source_ref:
        raise ValidationFailed(_("Give a reference for the repair."), code="source_ref_required")
    existing = GuaranteeExtension.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        if existing.asset_id != asset.pk:
            raise Conflict(
                _("The repair %(ref)s already extended the guarantee of another unit.") % {"ref": source_ref},
                code="source_ref_in_use",
            )
        return existing
    if not fault:
        raise ValidationFailed(_("Describe the fault that was repaired."), code="fault_required")
    if repair_completed_on < repair_started_on:
        raise ValidationFailed(_("The repair cannot end before it started."), code="repair_dates")
    coverage = coverage_for_asset(asset, on=repair_started_on)
    under_legal = any(g.kind == "legal" and g.active for g in coverage.guarantees)
    if not under_legal:
        return None
    jurisdiction = Jurisdiction.objects.filter(code=coverage.jurisdiction).first()
    if jurisdiction is None or not (jurisdiction.suspend_during_repair or jurisdiction.repaired_fault_months):
        return None
    suspended = (repair_completed_on - repair_started_on).days if jurisdiction.suspend_during_repair else 0
    until = (
        add_months(repair_completed_on, jurisdiction.repaired_fault_months)
        if jurisdiction.repaired_fault_months
        else None
    )
    try:
        with transaction.atomic():
            extension = GuaranteeExtension.objects.create(
                asset_id=asset.pk,
                source_ref=source_ref,
                jurisdiction_code=jurisdiction.code,
                repair_started_on=repair_started_on,
                repair_completed_on=repair_completed_on,
                suspended_days=suspended,
                fault=fault[:300],
                repaired_fault_until=until,
            )
    except IntegrityError:  # the same repair completed twice at once
        return GuaranteeExtension.objects.get(source_ref=source_ref)
    emit(
        "warranty.guarantee_extended",
        payload={
            "asset_id": asset.pk,
            "source_ref": source_ref,
            "suspended_days": suspended,
            "repaired_fault_until": until,
            "jurisdiction": jurisdiction.code,
        },
        customer_id=asset.customer_id,
    )
    return extension


# --- terms and versions ------------------------------------------------------------------------


@transaction.atomic
def terms_create(
    *, acting_user, title_es: str, title_en: str = "", body_es: str, body_en: str = "", slug: str = ""
) -> WarrantyTerms:
    """New terms with their first version as a draft (warranties.manage)."""
    require(acting_user, "warranties.manage")
    title_es, title_en = _text(title_es), _text(title_en)
    if not title_es:
        raise ValidationFailed(_("Give the terms a title in Spanish."), code="title_required")
    slug = slugify(_text(slug) or title_en or title_es)[:80]
    if not slug:
        raise ValidationFailed(_("Give the terms a key made of letters or numbers."), code="slug_required")
    if WarrantyTerms.objects.filter(slug=slug).exists():
        raise Conflict(
            _("Terms with the key %(slug)s already exist.") % {"slug": slug}, code="duplicate_slug"
        )
    terms = WarrantyTerms.objects.create(slug=slug, title_es=title_es[:200], title_en=title_en[:200])
    _new_version(terms, acting_user=acting_user, body_es=body_es, body_en=body_en, change_note="")
    audit.record(actor=acting_user, action="warranty_terms.created", target=terms)
    return terms


def _new_version(terms, *, acting_user, body_es, body_en, change_note) -> TermsVersion:
    body_es, body_en = _text(body_es), _text(body_en)
    if not body_es:
        raise ValidationFailed(_("Write the terms in Spanish."), code="body_required")
    number = (terms.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return TermsVersion.objects.create(
        terms=terms,
        number=number,
        body_es=body_es,
        body_en=body_en,
        change_note=_text(change_note)[:300],
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )


@transaction.atomic
def terms_version_create(
    *, acting_user, terms: WarrantyTerms, body_es: str, body_en: str = "", change_note: str = ""
) -> TermsVersion:
    """A new draft version; published versions stay as they are (warranties.manage)."""
    require(acting_user, "warranties.manage")
    WarrantyTerms.objects.select_for_update().filter(pk=terms.pk).first()
    if terms.versions.filter(status=TermsVersion.Status.DRAFT).exists():
        raise Conflict(
            _("These terms already have a draft: publish or edit it before writing another."),
            code="draft_exists",
        )
    version = _new_version(
        terms, acting_user=acting_user, body_es=body_es, body_en=body_en, change_note=change_note
    )
    audit.record(actor=acting_user, action="warranty_terms.version_created", target=version)
    return version


@transaction.atomic
def terms_draft_update(
    *, acting_user, version: TermsVersion, body_es: str, body_en: str = "", change_note: str = ""
) -> TermsVersion:
    require(acting_user, "warranties.manage")
    version = TermsVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != TermsVersion.Status.DRAFT:
        raise Conflict(_("A published version cannot change; write a new version."), code="version_published")
    if not _text(body_es):
        raise ValidationFailed(_("Write the terms in Spanish."), code="body_required")
    version.body_es, version.body_en, version.change_note = (
        _text(body_es),
        _text(body_en),
        _text(change_note)[:300],
    )
    version.save(update_fields=["body_es", "body_en", "change_note"])
    audit.record(actor=acting_user, action="warranty_terms.draft_updated", target=version)
    return version


@transaction.atomic
def terms_version_publish(
    *, acting_user, version: TermsVersion, now: dt.datetime | None = None
) -> TermsVersion:
    """Publish a draft: from now on new buyers get it; earlier buyers keep theirs."""
    require(acting_user, "warranties.manage")
    version = TermsVersion.objects.select_for_update().select_related("terms").get(pk=version.pk)
    if version.status == TermsVersion.Status.PUBLISHED:
        raise Conflict(_("This version is already published."), code="already_published")
    if not version.body_es.strip() or not version.body_en.strip():
        raise ValidationFailed(
            _("Write the terms in Spanish and in English before publishing."), code="translation_missing"
        )
    version.status = TermsVersion.Status.PUBLISHED
    version.published_at = now or timezone.now()
    version.published_by = acting_user if getattr(acting_user, "pk", None) else None
    version.save(update_fields=["status", "published_at", "published_by"])
    transaction.on_commit(clear_config_cache)
    audit.record(actor=acting_user, action="warranty_terms.published", target=version)
    emit(
        "warranty_terms.published",
        payload={
            "terms_id": version.terms_id,
            "slug": version.terms.slug,
            "version_id": version.pk,
            "number": version.number,
            "published_at": version.published_at,
        },
        actor_id=getattr(acting_user, "pk", None),
    )
    return version


def current_version(terms: WarrantyTerms) -> TermsVersion | None:
    return (
        terms.versions.filter(status=TermsVersion.Status.PUBLISHED)
        .order_by("-published_at", "-number")
        .first()
    )


# --- plans and product profiles ------------------------------------------------------------------


def _money(value, *, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("The price is not a number."), code="bad_price", extra={"field": field})
    if amount < 0 or amount != amount:  # noqa: PLR0124 - NaN check
        raise ValidationFailed(_("The price cannot be negative."), code="bad_price", extra={"field": field})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def plan_save(
    *,
    acting_user,
    plan: WarrantyPlan | None = None,
    kind: str,
    name_es: str,
    name_en: str = "",
    terms: WarrantyTerms,
    product=None,
    brand: str = "",
    months: int | None = None,
    price=None,
    currency: str = "EUR",
    is_active: bool = True,
) -> WarrantyPlan:
    """Create or change a commercial plan (product or brand) or an extended plan on sale."""
    require(acting_user, "warranties.manage")
    if kind not in WarrantyPlan.Kind.values:
        raise ValidationFailed(_("Unknown warranty kind."), code="bad_kind")
    if not _text(name_es):
        raise ValidationFailed(_("Give the warranty a name in Spanish."), code="name_required")
    if months is not None and not 1 <= int(months) <= MAX_EXTENDED_MONTHS:
        raise ValidationFailed(_("Months must be between 1 and 120."), code="bad_months")
    brand = _text(brand)
    if kind == WarrantyPlan.Kind.COMMERCIAL and product is None and not brand:
        raise ValidationFailed(
            _("A commercial warranty belongs to a product or a brand."), code="scope_required"
        )
    if kind == WarrantyPlan.Kind.EXTENDED and not months:
        raise ValidationFailed(_("An extended warranty needs its months."), code="months_required")
    plan = plan or WarrantyPlan()
    plan.kind, plan.name_es, plan.name_en = kind, _text(name_es)[:200], _text(name_en)[:200]
    plan.terms, plan.product, plan.brand = terms, product, brand[:80]
    plan.months = months
    plan.price = _money(price, field="price")
    plan.currency = (currency or "EUR").upper()[:3]
    plan.is_active = is_active
    plan.save()
    transaction.on_commit(clear_config_cache)
    audit.record(actor=acting_user, action="warranty_plan.saved", target=plan)
    return plan


@transaction.atomic
def profile_set(
    *, acting_user, kind: str, product=None, category=None, agreed_months: int | None = None
) -> WarrantyProfile:
    """Say what the law considers a product (or a whole category by default) to be."""
    require(acting_user, "warranties.manage")
    if (product is None) == (category is None):
        raise ValidationFailed(_("Choose a product or a category."), code="scope_required")
    if kind not in ProductKind.values:
        raise ValidationFailed(_("Unknown product kind."), code="bad_kind")
    if kind != ProductKind.SECOND_HAND:
        agreed_months = None
    elif agreed_months is not None:
        rule = (
            LegalRule.objects.filter(jurisdiction__code=_default_code(), kind=ProductKind.SECOND_HAND)
            .order_by("-delivered_from")
            .first()
        )
        minimum = (rule.min_months or rule.months) if rule else 12
        if agreed_months < minimum:
            raise ValidationFailed(
                _("Second-hand goods keep at least %(n)s months of legal guarantee.") % {"n": minimum},
                code="agreed_months_too_short",
            )
    lookup = {"product": product} if product is not None else {"category": category}
    profile, _created = WarrantyProfile.objects.update_or_create(
        **lookup, defaults={"kind": kind, "agreed_months": agreed_months}
    )
    transaction.on_commit(clear_config_cache)
    audit.record(actor=acting_user, action="warranty_profile.set", target=profile, changes={"kind": kind})
    return profile


def _default_code() -> str:
    from postventa.aftercare.warranties.coverage import default_jurisdiction_code

    return default_jurisdiction_code()


@transaction.atomic
def legal_rule_save(
    *,
    acting_user,
    jurisdiction: Jurisdiction,
    kind: str,
    delivered_from: dt.date,
    months: int,
    presumption_months: int,
    min_months: int | None = None,
    reference: str = "",
) -> LegalRule:
    """Add or change one legal rule (supervisors: warranties.manage)."""
    require(acting_user, "warranties.manage")
    if kind not in ProductKind.values:
        raise ValidationFailed(_("Unknown product kind."), code="bad_kind")
    if not 1 <= months <= 240 or not 0 <= presumption_months <= months:
        raise ValidationFailed(
            _("The guarantee lasts 1 to 240 months and the presumption cannot be longer."), code="bad_months"
        )
    if min_months is not None and not 1 <= min_months <= months:
        raise ValidationFailed(
            _("The shortest agreed period must be between 1 month and the full period."), code="bad_months"
        )
    rule, _created = LegalRule.objects.update_or_create(
        jurisdiction=jurisdiction,
        kind=kind,
        delivered_from=delivered_from,
        defaults={
            "months": months,
            "presumption_months": presumption_months,
            "min_months": min_months,
            "reference": _text(reference)[:300],
        },
    )
    transaction.on_commit(clear_config_cache)
    audit.record(
        actor=acting_user,
        action="legal_rule.saved",
        target=rule,
        changes={"months": months, "presumption_months": presumption_months, "min_months": min_months},
    )
    return rule


# --- extended warranty sale ---------------------------------------------------------------------


@transaction.atomic
def extended_warranty_sell(
    *,
    acting_user,
    asset,
    plan: WarrantyPlan | None = None,
    months: int | None = None,
    price=None,
    currency: str | None = None,
    starts_on: dt.date | None = None,
    name_es: str = "",
    name_en: str = "",
    terms: WarrantyTerms | None = None,
    reference: str = "",
    now: dt.datetime | None = None,
) -> ExtendedWarranty:
    """Sell an extended warranty for one asset (warranties.change).

    It starts the day after the last current guarantee ends (unless `starts_on` is given) and
    keeps the terms version published at the time of sale, whatever is published later.
    """
    require(acting_user, "warranties.change")
    if plan is not None:
        if plan.kind != WarrantyPlan.Kind.EXTENDED or not plan.is_active:
            raise ValidationFailed(_("That plan is not an extended warranty on sale."), code="bad_plan")
        months = months or plan.months
        price = plan.price if price in (None, "") else price
        currency = currency or plan.currency
        terms = terms or plan.terms
        name_es = name_es or plan.name_es
        name_en = name_en or plan.name_en
    if terms is None:
        raise ValidationFailed(_("Choose the terms of the extended warranty."), code="terms_required")
    if not months or not 1 <= int(months) <= MAX_EXTENDED_MONTHS:
        raise ValidationFailed(_("Months must be between 1 and 120."), code="bad_months")
    months = int(months)
    amount = _money(price, field="price")
    if amount is None:
        raise ValidationFailed(_("Give the price of the extended warranty."), code="price_required")
    version = current_version(terms)
    if version is None:
        raise ValidationFailed(
            _("These terms have no published version yet: publish them before selling."),
            code="terms_unpublished",
        )
    coverage = coverage_for_asset(asset)
    if coverage.delivered_on is None:
        raise ValidationFailed(
            _("This unit has no delivery or purchase date yet, so the warranty cannot be dated."),
            code="delivery_unknown",
        )
    if starts_on is None:
        last_end = max((g.ends_on for g in coverage.guarantees if not g.fault), default=coverage.delivered_on)
        today = timezone.localdate(now or timezone.now())
        starts_on = max(last_end + dt.timedelta(days=1), today)
    elif starts_on < coverage.delivered_on:
        raise ValidationFailed(_("An extended warranty cannot start before the delivery."), code="bad_start")
    ends_on = add_months(starts_on, months)
    row = ExtendedWarranty.objects.create(
        asset_id=asset.pk,
        plan=plan,
        name_es=_text(name_es)[:200] or "garantía extendida",
        name_en=_text(name_en)[:200] or "extended warranty",
        months=months,
        starts_on=starts_on,
        ends_on=ends_on,
        price=amount,
        currency=(currency or "EUR").upper()[:3],
        terms_version=version,
        sold_by=acting_user if getattr(acting_user, "pk", None) else None,
        reference=_text(reference)[:120],
    )
    audit.record(actor=acting_user, action="warranty.extended_sold", target=row)
    emit(
        "warranty.extended_sold",
        payload={
            "extended_warranty_id": row.pk,
            "asset_id": asset.pk,
            "months": months,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "price": str(amount),
            "currency": row.currency,
            "terms_version_id": version.pk,
        },
        customer_id=asset.customer_id,
        actor_id=getattr(acting_user, "pk", None),
    )
    from postventa.customers.timeline import timeline_record

    timeline_record(
        customer_id=asset.customer_id,
        kind="warranty.extended_sold",
        summary=f"{row.name_es} · {starts_on:%Y-%m-%d} – {ends_on:%Y-%m-%d}",
        data={
            "name_es": row.name_es,
            "name_en": row.name_en,
            "ends_on": ends_on.isoformat(),
            "asset_id": asset.pk,
        },
        source=("extended_warranty", row.pk),
        actor=acting_user,
    )
    return row


def get_or_404(model, pk, message: str):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message)
    obj = model.objects.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if obj is None:
        raise NotFound(message)
    return obj


__all__ = [
    "extend_after_repair",
    "extended_warranty_sell",
    "legal_period",
    "legal_rule_save",
    "plan_save",
    "profile_set",
    "terms_create",
    "terms_draft_update",
    "terms_version_create",
    "terms_version_publish",
]
