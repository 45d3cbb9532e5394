"""Console > Coverage: lookup by serial or order, warranty terms and plans, extended warranty sale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.warranties import coverage as cov
from postventa.aftercare.warranties import selectors, services
from postventa.aftercare.warranties.models import (
    Jurisdiction,
    LegalRule,
    ProductKind,
    TermsVersion,
    WarrantyPlan,
    WarrantyTerms,
)
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound, ValidationFailed
from postventa.core.permissions import can


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _get(model, pk):
    try:
        return services.get_or_404(model, pk, "not found")
    except NotFound:
        raise Http404


def _rows(coverages):
    """Coverage plus the asset and the terms for each guarantee, loaded in two queries."""
    from postventa.catalog.models import Asset

    assets = {
        a.pk: a
        for a in Asset.objects.filter(pk__in=[c.asset_id for c in coverages if c.asset_id]).select_related(
            "product", "customer", "order_line__order"
        )
    }
    version_ids = {g.terms_version_id for c in coverages for g in c.guarantees if g.terms_version_id}
    versions = {v.pk: v for v in TermsVersion.objects.filter(pk__in=version_ids).select_related("terms")}
    return [
        {
            "coverage": c,
            "asset": assets.get(c.asset_id),
            "kind_label": dict(ProductKind.choices).get(c.product_kind, c.product_kind),
            "guarantees": [{"g": g, "version": versions.get(g.terms_version_id)} for g in c.guarantees],
        }
        for c in coverages
    ]


@staff_required("warranties.view")
def coverage_lookup(request):
    q = (request.GET.get("q") or "").strip()[:80]
    product = (request.GET.get("product") or "").strip()[:64]
    on = _parse_date(request.GET.get("on"))
    error = ""
    candidates = []
    coverages = []
    if request.GET.get("on") and on is None:
        error = _("The date is not valid; use the calendar.")
    elif q:
        try:
            coverages = [cov.coverage_for_serial(q, on=on, product=product or None)]
        except NotFound:
            from postventa.orders.models import Order

            order = Order.objects.filter(number__iexact=q).first()
            if order is not None:
                coverages = cov.coverage_for_order(order, on=on)
            else:
                error = _("No unit has the serial number %(q)s and no order has that number.") % {"q": q}
        except ApplicationError as exc:
            if exc.code == "serial_ambiguous":
                from postventa.catalog.models import Asset

                candidates = list(Asset.objects.filter(serial_number=q).select_related("product", "customer"))
            error = exc.message
    context = {
        "nav": "coverage",
        "q": q,
        "on": request.GET.get("on", ""),
        "error": error,
        "candidates": candidates,
        "rows": _rows(coverages),
        "can_sell": can(request.user, "warranties.change"),
    }
    return render_page(
        request, "console/warranties/lookup.html", context, partial="console/warranties/_results.html"
    )


# --- terms ---------------------------------------------------------------------------------------


@staff_required("warranties.view")
def terms_list(request):
    rows = list(selectors.terms_list().order_by("slug"))
    drafts = set(
        TermsVersion.objects.filter(status=TermsVersion.Status.DRAFT).values_list("terms_id", flat=True)
    )
    for terms in rows:
        terms.current_number = selectors.current_number(terms)
        terms.has_draft = terms.pk in drafts
    return render_page(
        request,
        "console/warranties/terms_list.html",
        {"nav": "coverage", "terms_rows": rows, "can_manage": can(request.user, "warranties.manage")},
    )


@staff_required("warranties.manage")
def terms_create(request):
    values, error = {}, ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title_es", "title_en", "slug", "body_es", "body_en")}
        try:
            terms = services.terms_create(acting_user=request.user, **values)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Terms created as a draft. Publish them when they are ready."))
            return redirect("console:warranty_terms_detail", terms.pk)
    return render_page(
        request,
        "console/warranties/terms_form.html",
        {"nav": "coverage", "values": values, "error": error},
        status=422 if error else 200,
    )


@staff_required("warranties.view")
def terms_detail(request, terms_id: int):
    terms = _get(WarrantyTerms, terms_id)
    versions = selectors.versions_of(terms)
    draft = next((v for v in versions if v.status == TermsVersion.Status.DRAFT), None)
    current = next((v for v in versions if v.status == TermsVersion.Status.PUBLISHED), None)
    shown = current or draft
    if request.GET.get("v"):
        shown = next((v for v in versions if str(v.number) == request.GET["v"]), shown)
    base = draft or current
    return render_page(
        request,
        "console/warranties/terms_detail.html",
        {
            "nav": "coverage",
            "terms": terms,
            "versions": versions,
            "draft": draft,
            "current": current,
            "shown": shown,
            "values": {"body_es": base.body_es if base else "", "body_en": base.body_en if base else ""},
            "plans": list(terms.plans.select_related("product")),
            "can_manage": can(request.user, "warranties.manage"),
        },
    )


@require_POST
@staff_required("warranties.manage")
def terms_version_save(request, terms_id: int):
    """Write the draft: update the open draft, or start a new one from the form."""
    terms = _get(WarrantyTerms, terms_id)
    data = {k: request.POST.get(k, "") for k in ("body_es", "body_en", "change_note")}
    draft = terms.versions.filter(status=TermsVersion.Status.DRAFT).first()
    try:
        if draft is not None:
            services.terms_draft_update(acting_user=request.user, version=draft, **data)
        else:
            services.terms_version_create(acting_user=request.user, terms=terms, **data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Draft saved. Customers see it only once it is published."))
    return redirect("console:warranty_terms_detail", terms.pk)


@require_POST
@staff_required("warranties.manage")
def terms_version_publish(request, terms_id: int, version_id: int):
    terms = _get(WarrantyTerms, terms_id)
    try:
        version = selectors.version_get(terms, version_id)
        services.terms_version_publish(acting_user=request.user, version=version)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(n)s published. New buyers get it; earlier buyers keep the version they got.")
            % {"n": version.number},
        )
    return redirect("console:warranty_terms_detail", terms.pk)


# --- plans ---------------------------------------------------------------------------------------


@staff_required("warranties.view")
def plan_list(request):
    from postventa.catalog.models import Product

    error, values = "", {}
    if request.method == "POST":
        if not can(request.user, "warranties.manage"):
            raise Http404
        values = request.POST.dict()
        try:
            product = None
            if values.get("product_sku", "").strip():
                product = Product.objects.filter(sku=values["product_sku"].strip()).first()
                if product is None:
                    raise NotFound(
                        _("No product has the SKU %(sku)s.") % {"sku": values["product_sku"].strip()}
                    )
            terms = WarrantyTerms.objects.filter(pk=values.get("terms_id") or 0).first()
            if terms is None:
                raise ValidationFailed(_("Choose the terms of the warranty."))
            months = int(values["months"]) if values.get("months", "").strip() else None
            services.plan_save(
                acting_user=request.user,
                kind=values.get("kind", ""),
                name_es=values.get("name_es", ""),
                name_en=values.get("name_en", ""),
                terms=terms,
                product=product,
                brand=values.get("brand", ""),
                months=months,
                price=values.get("price") or None,
                currency=values.get("currency") or "EUR",
            )
        except ValueError:
            error = _("Months must be a whole number.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Warranty plan saved."))
            return redirect("console:warranty_plans")
    return render_page(
        request,
        "console/warranties/plans.html",
        {
            "nav": "coverage",
            "plans": list(selectors.plans()),
            "terms_all": list(WarrantyTerms.objects.order_by("slug")),
            "kinds": WarrantyPlan.Kind.choices,
            "values": values,
            "error": error,
            "can_manage": can(request.user, "warranties.manage"),
        },
        status=422 if error else 200,
    )


@require_POST
@staff_required("warranties.manage")
def plan_toggle(request, plan_id: int):
    plan = _get(WarrantyPlan, plan_id)
    services.plan_save(
        acting_user=request.user,
        plan=plan,
        kind=plan.kind,
        name_es=plan.name_es,
        name_en=plan.name_en,
        terms=plan.terms,
        product=plan.product,
        brand=plan.brand,
        months=plan.months,
        price=plan.price,
        currency=plan.currency,
        is_active=not plan.is_active,
    )
    return redirect("console:warranty_plans")


# --- legal rules ---------------------------------------------------------------------------------


@staff_required("warranties.view")
def rules(request):
    error = ""
    if request.method == "POST":
        if not can(request.user, "warranties.manage"):
            raise Http404
        data = request.POST
        try:
            jurisdiction = Jurisdiction.objects.filter(code=data.get("jurisdiction", "")).first()
            if jurisdiction is None:
                raise ValidationFailed(_("Choose a jurisdiction."))
            delivered_from = _parse_date(data.get("delivered_from"))
            if delivered_from is None:
                raise ValidationFailed(_("Give the first delivery day the rule applies to."))
            services.legal_rule_save(
                acting_user=request.user,
                jurisdiction=jurisdiction,
                kind=data.get("kind", ""),
                delivered_from=delivered_from,
                months=int(data.get("months") or 0),
                presumption_months=int(data.get("presumption_months") or 0),
                min_months=int(data["min_months"]) if data.get("min_months") else None,
                reference=data.get("reference", ""),
            )
        except ValueError:
            error = _("Months must be whole numbers.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Legal rule saved. Coverage uses it from now on."))
            return redirect("console:warranty_rules")
    return render_page(
        request,
        "console/warranties/rules.html",
        {
            "nav": "coverage",
            "jurisdictions": selectors.jurisdictions(),
            "default_code": cov.default_jurisdiction_code(),
            "kinds": ProductKind.choices,
            "error": error,
            "can_manage": can(request.user, "warranties.manage"),
            "rule_count": LegalRule.objects.count(),
        },
        status=422 if error else 200,
    )


# --- extended warranty sale ---------------------------------------------------------------------


@staff_required("warranties.change")
def extended_sell(request, asset_id: int):
    from postventa.catalog.models import Asset

    asset = _get(Asset, asset_id)
    plans = list(
        WarrantyPlan.objects.filter(kind=WarrantyPlan.Kind.EXTENDED, is_active=True).select_related("terms")
    )
    coverage = cov.coverage_for_asset(asset)
    values, error = {}, ""
    if request.method == "POST":
        values = request.POST.dict()
        try:
            plan = next((p for p in plans if str(p.pk) == values.get("plan_id")), None)
            terms = WarrantyTerms.objects.filter(pk=values.get("terms_id") or 0).first()
            months = int(values["months"]) if values.get("months", "").strip() else None
            price = values.get("price", "").strip() or None
            if price is not None:
                try:
                    Decimal(price.replace(",", "."))
                except InvalidOperation:
                    raise ValidationFailed(_("The price is not a number."))
                price = price.replace(",", ".")
            starts_on = _parse_date(values.get("starts_on"))
            if values.get("starts_on") and starts_on is None:
                raise ValidationFailed(_("The start date is not valid."))
            services.extended_warranty_sell(
                acting_user=request.user,
                asset=asset,
                plan=plan,
                terms=terms,
                months=months,
                price=price,
                starts_on=starts_on,
                name_es=values.get("name_es", ""),
                name_en=values.get("name_en", ""),
                reference=values.get("reference", ""),
            )
        except ValueError:
            error = _("Months must be a whole number.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Extended warranty sold. The customer sees it under My products."))
            return redirect(
                f"{reverse('console:coverage_lookup')}?q={asset.serial_number}&product={asset.product.sku}"
            )
    return render_page(
        request,
        "console/warranties/extended_form.html",
        {
            "nav": "coverage",
            "asset": asset,
            "coverage": coverage,
            "plans": plans,
            "terms_all": list(WarrantyTerms.objects.order_by("slug")),
            "values": values,
            "error": error,
        },
        status=422 if error else 200,
    )
