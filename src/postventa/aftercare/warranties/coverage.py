"""Coverage: what guarantees a unit has on a day, until when, why, in one sentence.

    coverage_for_serial("SN-123")            -> Coverage
    coverage_for_asset(asset, on=date(...))  -> Coverage
    coverage_for_order_line(line)            -> Coverage
    coverage_for_order(order)                -> list[Coverage]

Rules (all data, see models.Jurisdiction / LegalRule):
- The legal guarantee runs from the delivery day: the order's delivery time
  (orders.selectors.delivered_at) turned into a date in the customer's time zone; without a
  delivered order, asset.purchased_on.
- Period arithmetic is calendar months (dateutil.relativedelta). A guarantee that starts on
  29 February ends on 28 February when the end year is not a leap year. `ends_on` is the last
  day covered (inclusive): delivered 2024-03-14 + 3 years -> covered through 2027-03-14.
- Repairs under the legal guarantee (GuaranteeExtension rows, written by
  services.extend_after_repair) push the legal end by the days the unit was in repair and add a
  guarantee on the repaired fault.
- The commercial warranty (WarrantyPlan for the product, else for the brand, else
  Product.warranty_months) runs from delivery too; its terms are the version in force that day.
  Extended warranties sold for the asset carry their own dates and pinned terms version.

A lookup costs a fixed number of queries whatever the number of guarantees (tested).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from postventa.aftercare.warranties.models import (
    ExtendedWarranty,
    GuaranteeExtension,
    Jurisdiction,
    LegalRule,
    ProductKind,
    TermsVersion,
    WarrantyPlan,
    WarrantyProfile,
)
from postventa.core.errors import NotFound, ValidationFailed

KIND_ORDER = {"legal": 0, "commercial": 1, "extended": 2}


@dataclass(frozen=True)
class GuaranteeStatus:
    """One guarantee of a unit: legal, commercial or extended, and whether it covers on the day."""

    kind: str  # "legal" | "commercial" | "extended"
    name: str
    starts_on: dt.date
    ends_on: dt.date
    active: bool
    terms_version_id: int | None
    reason: str
    fault: str = ""  # guarantee on a repaired fault: only that fault is covered
    terms_id: int | None = None


@dataclass(frozen=True)
class Coverage:
    """Everything a customer or an agent needs to know about a unit's guarantees on one day."""

    asset_id: int | None
    delivered_on: dt.date | None
    covered: bool
    guarantees: list[GuaranteeStatus]
    covering: GuaranteeStatus | None
    legal_ends_on: dt.date | None
    presumption_until: dt.date | None
    spare_parts_until: dt.date | None
    sentence: str
    on: dt.date | None = None
    jurisdiction: str = ""
    product_kind: str = ProductKind.GOODS
    spare_parts_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- pure date arithmetic (property-tested) ------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months; 29 Feb -> 28 Feb in a common year (end of month clamps)."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class LegalPeriod:
    months: int
    presumption_months: int
    ends_on: dt.date
    presumption_until: dt.date
    rule: Any


def pick_rule(rules: list, kind: str, delivered_on: dt.date):
    """The rule for `kind` in force for a delivery on `delivered_on` (falls back to goods)."""
    for wanted in (kind, ProductKind.GOODS):
        candidates = [r for r in rules if r.kind == wanted and r.delivered_from <= delivered_on]
        if candidates:
            return max(candidates, key=lambda r: r.delivered_from)
    return None


def legal_period(
    delivered_on: dt.date, *, rules: list, kind: str = ProductKind.GOODS, agreed_months: int | None = None
) -> LegalPeriod | None:
    """Length of the legal guarantee and of the presumption for one delivery (no repairs)."""
    rule = pick_rule(rules, kind, delivered_on)
    if rule is None:
        return None
    months = rule.months
    if kind == ProductKind.SECOND_HAND and agreed_months:
        # The seller may agree a different period, never under the legal minimum.
        months = max(rule.min_months or rule.months, agreed_months)
    presumption = min(rule.presumption_months, months)
    return LegalPeriod(
        months=months,
        presumption_months=presumption,
        ends_on=add_months(delivered_on, months),
        presumption_until=add_months(delivered_on, presumption),
        rule=rule,
    )


def local_date(moment: dt.datetime, time_zone: str | None) -> dt.date:
    """The calendar day of `moment` where the customer lives (bad zone names: Europe/Madrid)."""
    try:
        zone = ZoneInfo(time_zone or "Europe/Madrid")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Europe/Madrid")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(zone).date()


# --- wording -----------------------------------------------------------------------------------


def format_day(day: dt.date | None, language: str | None = None) -> str:
    """ "14 de marzo de 2027" / "14 March 2027"."""
    if day is None:
        return ""
    lang = (language or translation.get_language() or "es")[:2]
    with translation.override(lang):
        return formats.date_format(day, "j \\d\\e F \\d\\e Y" if lang == "es" else "j F Y")


def duration(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def _kind_label(kind: str) -> str:
    return {
        ProductKind.GOODS: _("Goods"),
        ProductKind.DIGITAL: _("Digital content"),
        ProductKind.SERVICE: _("A service"),
        ProductKind.SECOND_HAND: _("Second-hand goods"),
    }.get(kind, _("Goods"))


def _sentence(*, on, delivered_on, guarantees, covering, legal_ends_on, pending_order) -> str:
    if delivered_on is None:
        if pending_order:
            return _("Not covered yet: the legal guarantee starts when order %(number)s is delivered.") % {
                "number": pending_order
            }
        return _(
            "We cannot tell the coverage: the delivery date of this unit is unknown; add its purchase date."
        )
    if on < delivered_on:
        return _("Not covered yet: the guarantees start on the delivery day, %(date)s.") % {
            "date": format_day(delivered_on)
        }
    if covering is not None:
        if covering.kind == "legal" and covering.fault:
            return _(
                "Covered until %(date)s for the fault that was repaired (%(fault)s): if it comes back, "
                "you are entitled to a repair or a replacement at no cost."
            ) % {"date": format_day(covering.ends_on), "fault": covering.fault}
        if covering.kind == "legal":
            return _(
                "Covered by the legal guarantee until %(date)s: if it fails, you are entitled to a repair "
                "or a replacement at no cost."
            ) % {"date": format_day(covering.ends_on)}
        return _(
            "Covered by the %(name)s until %(date)s, as its terms say; the legal guarantee ended on %(legal)s."
        ) % {
            "name": covering.name,
            "date": format_day(covering.ends_on),
            "legal": format_day(legal_ends_on),
        }
    upcoming = sorted((g for g in guarantees if g.starts_on > on), key=lambda g: g.starts_on)
    if upcoming:
        return _("Not covered on this day: the %(name)s starts on %(date)s.") % {
            "name": upcoming[0].name,
            "date": format_day(upcoming[0].starts_on),
        }
    others = [g for g in guarantees if g.kind != "legal" and legal_ends_on and g.ends_on > legal_ends_on]
    if others:
        last = max(others, key=lambda g: g.ends_on)
        return _("Not covered: the legal guarantee ended on %(legal)s and the %(name)s on %(date)s.") % {
            "legal": format_day(legal_ends_on),
            "name": last.name,
            "date": format_day(last.ends_on),
        }
    if legal_ends_on is None:
        return _("Not covered: no guarantee applies to this unit.")
    return _("Not covered: the legal guarantee ended on %(date)s.") % {"date": format_day(legal_ends_on)}


# --- loading (a fixed number of queries for any number of assets) -------------------------------


@dataclass
class _Subject:
    asset_id: int | None
    product: Any
    customer: Any
    order: Any
    purchased_on: dt.date | None
    serial_number: str = ""


def _asset_queryset():
    from postventa.catalog.models import Asset

    return Asset.objects.select_related("product", "product__category", "customer", "order_line__order")


def _jurisdictions() -> dict[str, tuple[Jurisdiction, list[LegalRule]]]:
    out: dict[str, tuple[Jurisdiction, list[LegalRule]]] = {}
    for rule in LegalRule.objects.select_related("jurisdiction"):
        entry = out.setdefault(rule.jurisdiction.code, (rule.jurisdiction, []))
        entry[1].append(rule)
    return out or _seeded_jurisdictions()


def _seeded_jurisdictions() -> dict[str, tuple[Jurisdiction, list[LegalRule]]]:
    """The rules the data migration seeds, unsaved: the floor when the tables were emptied.

    The law applies whether or not anyone configured it, so an empty rules table (a flushed
    database, a botched edit) must never turn into "no guarantee".
    """
    import importlib

    seed = importlib.import_module("postventa.aftercare.warranties.migrations.0002_seed_jurisdictions")
    out = {}
    for data in seed.JURISDICTIONS:
        fields = {k: v for k, v in data.items() if k != "rules"}
        jurisdiction = Jurisdiction(**fields)
        rules = [
            LegalRule(
                jurisdiction=jurisdiction,
                kind=kind,
                delivered_from=start,
                months=months,
                min_months=min_months,
                presumption_months=presumption,
                reference=reference,
            )
            for kind, start, months, min_months, presumption, reference in data["rules"]
        ]
        out[jurisdiction.code] = (jurisdiction, rules)
    return out


def default_jurisdiction_code() -> str:
    return getattr(settings, "WARRANTY_JURISDICTION", "ES") or "ES"


def _choose_jurisdiction(jurisdictions: dict, order) -> tuple[Jurisdiction | None, list]:
    default = default_jurisdiction_code()
    country = (getattr(order, "ship_country", "") or "").upper()
    if country and default in jurisdictions and country not in jurisdictions[default][0].country_codes():
        for jurisdiction, rules in jurisdictions.values():
            if country in jurisdiction.country_codes():
                return jurisdiction, rules
    if default in jurisdictions:
        return jurisdictions[default]
    if jurisdictions:  # misconfigured default: the EU minimum is the safe floor
        return jurisdictions.get("EU") or next(iter(jurisdictions.values()))
    return None, []


def _delivered_on(subject: _Subject) -> tuple[dt.date | None, str]:
    """(delivery day, number of an order not delivered yet)."""
    from postventa.orders.selectors import delivered_at

    order = subject.order
    if order is not None:
        moment = delivered_at(order)
        if moment is not None:
            return local_date(moment, getattr(subject.customer, "time_zone", None)), ""
    if subject.purchased_on:
        return subject.purchased_on, ""
    return None, (order.number if order is not None else "")


# --- configuration: rules, profiles, commercial plans, published terms ---------------------------
#
# Small tables that change rarely. Outside tests a process keeps a snapshot for
# WARRANTY_CONFIG_CACHE_SECONDS (default 5): a lookup then costs 3 queries (the unit, its extended
# warranties, its repair extensions) instead of 7. Writes through services clear this process's
# snapshot at once; other processes see the change within those seconds.


@dataclass
class _Config:
    jurisdictions: dict
    profiles_by_product: dict
    profiles_by_category: dict
    plans_by_product: dict
    plans_by_brand: dict
    versions_by_terms: dict


_SNAPSHOT: dict[str, Any] = {"at": 0.0, "config": None}


def config_cache_seconds() -> float:
    return float(
        getattr(settings, "WARRANTY_CONFIG_CACHE_SECONDS", 0 if getattr(settings, "TESTING", False) else 5)
    )


def clear_config_cache() -> None:
    _SNAPSHOT["config"] = None


def _load_config(products=None, category_ids=None, brands=None) -> _Config:
    """Everything (products=None) or only what these products need."""
    profiles_by_product, profiles_by_category = {}, {}
    plans_by_product, plans_by_brand = {}, {}
    versions_by_terms: dict[int, list[TermsVersion]] = defaultdict(list)
    profile_qs = WarrantyProfile.objects.all()
    plan_qs = WarrantyPlan.objects.filter(kind=WarrantyPlan.Kind.COMMERCIAL, is_active=True).order_by("id")
    if products is not None:
        if not products:
            return _Config(_jurisdictions(), {}, {}, {}, {}, {})
        profile_qs = profile_qs.filter(
            Q(product_id__in=list(products)) | Q(category_id__in=list(category_ids))
        )
        plan_filter = Q(product_id__in=list(products))
        if brands:
            plan_filter |= Q(product__isnull=True, brand__in=list(brands))
        plan_qs = plan_qs.filter(plan_filter)
    for profile in profile_qs:
        if profile.product_id:
            profiles_by_product[profile.product_id] = profile
        else:
            profiles_by_category[profile.category_id] = profile
    for plan in plan_qs:
        if plan.product_id:
            plans_by_product.setdefault(plan.product_id, plan)
        else:
            plans_by_brand.setdefault(plan.brand, plan)
    terms_ids = {p.terms_id for p in [*plans_by_product.values(), *plans_by_brand.values()]}
    if terms_ids:
        for version in TermsVersion.objects.filter(
            terms_id__in=terms_ids, status=TermsVersion.Status.PUBLISHED
        ).only("id", "terms_id", "number", "published_at"):
            versions_by_terms[version.terms_id].append(version)
    return _Config(
        _jurisdictions(),
        profiles_by_product,
        profiles_by_category,
        plans_by_product,
        plans_by_brand,
        versions_by_terms,
    )


def _config(products, category_ids, brands) -> _Config:
    ttl = config_cache_seconds()
    if not ttl:
        return _load_config(products, category_ids, brands)
    now = time.monotonic()
    config = _SNAPSHOT["config"]
    if config is None or now - _SNAPSHOT["at"] > ttl:
        config = _load_config()
        _SNAPSHOT.update(config=config, at=now)
    return config


def _compute(subjects: list[_Subject], *, on: dt.date | None, language: str | None) -> list[Coverage]:
    if not subjects:
        return []
    products = {s.product.pk: s.product for s in subjects if s.product is not None}
    category_ids = {p.category_id for p in products.values() if p.category_id}
    brands = {p.brand for p in products.values() if p.brand}
    asset_ids = [s.asset_id for s in subjects if s.asset_id]

    config = _config(products, category_ids, brands)
    jurisdictions = config.jurisdictions
    profiles_by_product, profiles_by_category = config.profiles_by_product, config.profiles_by_category
    plans_by_product, plans_by_brand = config.plans_by_product, config.plans_by_brand
    versions_by_terms = config.versions_by_terms
    extended = defaultdict(list)
    extensions = defaultdict(list)
    if asset_ids:
        for row in ExtendedWarranty.objects.filter(asset_id__in=asset_ids).select_related("terms_version"):
            extended[row.asset_id].append(row)
        for row in GuaranteeExtension.objects.filter(asset_id__in=asset_ids):
            extensions[row.asset_id].append(row)

    lang = (language or translation.get_language() or "es")[:2]
    out = []
    with translation.override(lang):
        for subject in subjects:
            product = subject.product
            profile = None
            if product is not None:
                profile = profiles_by_product.get(product.pk) or profiles_by_category.get(product.category_id)
            plan = None
            if product is not None:
                plan = plans_by_product.get(product.pk) or plans_by_brand.get(product.brand)
            out.append(
                _coverage_of(
                    subject,
                    on=on,
                    jurisdictions=jurisdictions,
                    profile=profile,
                    plan=plan,
                    versions=versions_by_terms.get(plan.terms_id, []) if plan else [],
                    extended=extended.get(subject.asset_id, []),
                    extensions=extensions.get(subject.asset_id, []),
                )
            )
    return out


def _version_in_force(versions: list[TermsVersion], day: dt.date) -> TermsVersion | None:
    """The published version in force on `day`; the first published one if all came later."""
    if not versions:
        return None
    before = [v for v in versions if v.published_at and v.published_at.date() <= day]
    if before:
        return max(before, key=lambda v: (v.published_at, v.number))
    return min(versions, key=lambda v: (v.published_at or timezone.now(), v.number))


def _coverage_of(subject, *, on, jurisdictions, profile, plan, versions, extended, extensions) -> Coverage:
    delivered_on, pending_order = _delivered_on(subject)
    jurisdiction, rules = _choose_jurisdiction(jurisdictions, subject.order)
    if on is None:
        on = local_date(timezone.now(), getattr(subject.customer, "time_zone", None))
    kind = profile.kind if profile else ProductKind.GOODS
    product = subject.product
    spare_parts_until = None
    spare_parts_note = ""
    if product is not None and jurisdiction is not None and jurisdiction.spare_parts_years:
        if product.manufacturing_ended_on:
            spare_parts_until = add_months(
                product.manufacturing_ended_on, 12 * jurisdiction.spare_parts_years
            )
        else:
            spare_parts_note = _(
                "Spare parts: available while it is made and for %(years)s years after it stops being made."
            ) % {"years": jurisdiction.spare_parts_years}

    guarantees: list[GuaranteeStatus] = []
    legal_ends_on = presumption_until = None
    if delivered_on is not None:
        period = legal_period(
            delivered_on, rules=rules, kind=kind, agreed_months=profile.agreed_months if profile else None
        )
        if period is not None:
            suspended = sum(e.suspended_days for e in extensions)
            legal_ends_on = period.ends_on + dt.timedelta(days=suspended)
            presumption_until = period.presumption_until
            reason = _("%(kind)s delivered on %(date)s: %(duration)s of legal guarantee (%(law)s).") % {
                "kind": _kind_label(kind),
                "date": format_day(delivered_on),
                "duration": duration(period.months),
                "law": period.rule.reference or jurisdiction.legal_reference,
            }
            if suspended:
                reason += " " + ngettext(
                    "%(n)d more day: the period stopped while the unit was being repaired.",
                    "%(n)d more days: the period stopped while the unit was being repaired.",
                    suspended,
                ) % {"n": suspended}
            guarantees.append(
                GuaranteeStatus(
                    kind="legal",
                    name=_("legal guarantee"),
                    starts_on=delivered_on,
                    ends_on=legal_ends_on,
                    active=delivered_on <= on <= legal_ends_on,
                    terms_version_id=None,
                    reason=reason,
                )
            )
            for ext in extensions:
                if ext.repaired_fault_until:
                    guarantees.append(
                        GuaranteeStatus(
                            kind="legal",
                            name=_("guarantee on the repair"),
                            starts_on=ext.repair_completed_on,
                            ends_on=ext.repaired_fault_until,
                            active=ext.repair_completed_on <= on <= ext.repaired_fault_until,
                            terms_version_id=None,
                            reason=_(
                                "Repaired on %(date)s under the legal guarantee: the repaired fault is "
                                "guaranteed for %(duration)s more."
                            )
                            % {
                                "date": format_day(ext.repair_completed_on),
                                "duration": duration(jurisdiction.repaired_fault_months or 12)
                                if jurisdiction
                                else "",
                            },
                            fault=ext.fault,
                        )
                    )
        commercial_months = (plan.months if plan and plan.months else None) or (
            product.warranty_months if product is not None else 0
        )
        if commercial_months:
            version = _version_in_force(versions, delivered_on) if plan else None
            name = plan.name if plan else _("commercial warranty")
            ends_on = add_months(delivered_on, commercial_months)
            reason = _("Given with the product: %(duration)s from delivery.") % {
                "duration": duration(commercial_months)
            }
            if version is not None:
                reason += " " + _("Terms: version %(n)s, in force on the delivery day.") % {
                    "n": version.number
                }
            guarantees.append(
                GuaranteeStatus(
                    kind="commercial",
                    name=name,
                    starts_on=delivered_on,
                    ends_on=ends_on,
                    active=delivered_on <= on <= ends_on,
                    terms_version_id=version.pk if version else None,
                    reason=reason,
                    terms_id=plan.terms_id if plan else None,
                )
            )
    for row in extended:
        guarantees.append(
            GuaranteeStatus(
                kind="extended",
                name=row.name,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                active=row.starts_on <= on <= row.ends_on,
                terms_version_id=row.terms_version_id,
                reason=_("Bought for this unit: %(duration)s from %(date)s (terms version %(n)s).")
                % {
                    "duration": duration(row.months),
                    "date": format_day(row.starts_on),
                    "n": row.terms_version.number,
                },
                terms_id=row.terms_version.terms_id,
            )
        )
    active = [g for g in guarantees if g.active]
    covering = (
        min(active, key=lambda g: (KIND_ORDER[g.kind], bool(g.fault), -g.ends_on.toordinal()))
        if active
        else None
    )
    sentence = _sentence(
        on=on,
        delivered_on=delivered_on,
        guarantees=guarantees,
        covering=covering,
        legal_ends_on=legal_ends_on,
        pending_order=pending_order,
    )
    return Coverage(
        asset_id=subject.asset_id,
        delivered_on=delivered_on,
        covered=covering is not None,
        guarantees=guarantees,
        covering=covering,
        legal_ends_on=legal_ends_on,
        presumption_until=presumption_until,
        spare_parts_until=spare_parts_until,
        sentence=sentence,
        on=on,
        jurisdiction=jurisdiction.code if jurisdiction else "",
        product_kind=kind,
        spare_parts_note=spare_parts_note,
        extra={
            "serial_number": subject.serial_number,
            "product_sku": product.sku if product is not None else "",
            "product_name": product.name if product is not None else "",
            "customer_id": getattr(subject.customer, "pk", None),
            "order_number": subject.order.number if subject.order is not None else "",
        },
    )


def _subject_of_asset(asset) -> _Subject:
    line = asset.order_line
    return _Subject(
        asset_id=asset.pk,
        product=asset.product,
        customer=asset.customer,
        order=line.order if line is not None else None,
        purchased_on=asset.purchased_on,
        serial_number=asset.serial_number,
    )


# --- public lookups ----------------------------------------------------------------------------


def coverages_for_assets(assets, *, on: dt.date | None = None, language: str | None = None) -> list[Coverage]:
    """Coverage of several assets in a fixed number of queries (assets from _asset_queryset)."""
    return _compute([_subject_of_asset(a) for a in assets], on=on, language=language)


def coverage_for_asset(asset, *, on: dt.date | None = None, language: str | None = None) -> Coverage:
    """Coverage of one asset (a catalog.Asset or its id)."""
    asset_id = asset if isinstance(asset, int) else asset.pk
    loaded = _asset_queryset().filter(pk=asset_id).first()
    if loaded is None:
        raise NotFound(_("That product unit does not exist."), code="asset_not_found")
    return coverages_for_assets([loaded], on=on, language=language)[0]


def find_asset_by_serial(serial: str, *, product: str | int | None = None):
    serial = (serial or "").strip()
    if not serial:
        raise ValidationFailed(_("Give a serial number."), code="serial_required")
    qs = _asset_queryset().filter(serial_number=serial)
    if product not in (None, ""):
        if isinstance(product, int) or str(product).isdigit():
            qs = qs.filter(Q(product__sku=str(product)) | Q(product_id=int(product)))
        else:
            qs = qs.filter(product__sku=str(product))
    assets = list(qs[:10])
    if not assets:
        raise NotFound(
            _("No product unit has the serial number %(serial)s. Check it on the label or the invoice.")
            % {"serial": serial},
            code="serial_not_found",
        )
    if len(assets) > 1:
        raise ValidationFailed(
            _("The serial number %(serial)s belongs to several products (%(skus)s): say which product.")
            % {"serial": serial, "skus": ", ".join(sorted(a.product.sku for a in assets))},
            code="serial_ambiguous",
            extra={"skus": sorted(a.product.sku for a in assets)},
        )
    return assets[0]


def coverage_for_serial(
    serial: str, *, on: dt.date | None = None, language: str | None = None, product: str | int | None = None
) -> Coverage:
    """Coverage of the unit with `serial` (give `product`, a SKU or id, when several share it)."""
    asset = find_asset_by_serial(serial, product=product)
    return coverages_for_assets([asset], on=on, language=language)[0]


def _line_subject(line, order) -> _Subject:
    return _Subject(
        asset_id=None, product=line.product, customer=order.customer, order=order, purchased_on=None
    )


def coverage_for_order_line(line, *, on: dt.date | None = None, language: str | None = None) -> Coverage:
    """Coverage of what an order line sold: its first registered unit, else the line itself.

    Every unit of a line shares product and delivery, so the legal and commercial guarantees are
    the same; an extended warranty bought for one unit shows on that unit's coverage.
    """
    from postventa.orders.models import OrderLine

    line_id = line if isinstance(line, int) else line.pk
    asset = _asset_queryset().filter(order_line_id=line_id).order_by("id").first()
    if asset is not None:
        return coverages_for_assets([asset], on=on, language=language)[0]
    loaded = (
        OrderLine.objects.select_related("product", "order", "order__customer").filter(pk=line_id).first()
    )
    if loaded is None:
        raise NotFound(_("That order line does not exist."), code="order_line_not_found")
    return _compute([_line_subject(loaded, loaded.order)], on=on, language=language)[0]


def coverage_for_order(order, *, on: dt.date | None = None, language: str | None = None) -> list[Coverage]:
    """One Coverage per registered unit of the order, plus one per line without a registered unit."""
    from postventa.orders.models import Order

    order_id = order if isinstance(order, int) else order.pk
    loaded = Order.objects.select_related("customer").filter(pk=order_id).first()
    if loaded is None:
        raise NotFound(_("That order does not exist."), code="order_not_found")
    lines = list(loaded.lines.select_related("product").order_by("position", "id"))
    assets = list(
        _asset_queryset().filter(order_line__order_id=loaded.pk).order_by("order_line__position", "id")
    )
    by_line = defaultdict(list)
    for asset in assets:
        by_line[asset.order_line_id].append(asset)
    subjects = []
    for line in lines:
        if by_line.get(line.pk):
            subjects.extend(_subject_of_asset(a) for a in by_line[line.pk])
        else:
            subjects.append(_line_subject(line, loaded))
    return _compute(subjects, on=on, language=language)
