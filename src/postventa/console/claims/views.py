"""Console pages for warranty claims: the list, one claim (review, decision, remedy), filing for a
customer, the claim-rate report and the photos. Thin: every rule is in aftercare.claims.services.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from postventa.aftercare.claims import selectors, services, states
from postventa.aftercare.claims.models import (
    OVERRIDE_GROUNDS,
    SECOND_TIER_GROUNDS,
    ClaimChannel,
    ClaimPhoto,
    ClaimStatus,
    PreferredRemedy,
    Remedy,
    RemedyGround,
)
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


@staff_required("claims.view")
def claim_list(request):
    from postventa.catalog.models import Product

    g = request.GET
    status = g.get("status", "") if g.get("status", "") in ClaimStatus.values else ""
    coverage = g.get("coverage", "") if g.get("coverage", "") in ("covered", "out") else ""
    age = _int(g.get("age"))
    age = age if age in selectors.AGE_CHOICES else None
    product_id = _int(g.get("product"))
    customer_id = _int(g.get("customer"))
    qs = selectors.claim_list(
        status=status, product_id=product_id, customer_id=customer_id,
        covered={"covered": True, "out": False}.get(coverage), older_than_days=age,
        open_only=g.get("open") == "1", q=g.get("q", "")[:40],
    )  # fmt: skip
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE, order_field="filed_at")
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="filed_at")
    products = (
        Product.objects.filter(warranty_claims__isnull=False)
        .distinct()
        .order_by("sku")
        .only("pk", "sku", "name_es", "name_en")
    )
    context = {
        "nav": "claims",
        "page": page,
        "statuses": ClaimStatus.choices,
        "counts": selectors.status_counts(),
        "ages": selectors.AGE_CHOICES,
        "products": list(products[:500]),
        "filters": {"status": status, "coverage": coverage, "age": age or "", "product": product_id or "",
                    "customer": customer_id or "", "q": g.get("q", ""), "open": g.get("open", "")},
        "can_change": can(request.user, "claims.change"),
    }  # fmt: skip
    return render_page(request, "console/claims/list.html", context, partial="console/claims/_rows.html")


GROUND_HELP = {
    "override": [(g.value, g.label) for g in OVERRIDE_GROUNDS],
    "second": [(g.value, g.label) for g in SECOND_TIER_GROUNDS],
}


def _detail_context(request, claim, **extra) -> dict:
    paid = None
    if claim.asset.order_line_id:
        paid = claim.asset.order_line.unit_price
    return {
        "nav": "claims",
        "claim": claim,
        "history": list(claim.history.all()),
        "photos": list(claim.photos.all()),
        "next_statuses": states.next_statuses(claim.status),
        "can_change": can(request.user, "claims.change"),
        "can_refund": can(request.user, "refunds.change"),
        "remedies": Remedy.choices,
        "grounds": GROUND_HELP,
        "ground_labels": dict(RemedyGround.choices),
        "refund_methods": _refund_methods(),
        "price_paid": paid,
        "repair": _safe(selectors.repair_for, claim),
        "refund": _safe(selectors.refund_for, claim),
        "form": {},
        **extra,
    }


def _safe(fn, claim):
    try:
        return fn(claim)
    except ImportError:
        return None


def _refund_methods():
    try:
        from postventa.aftercare.returns.models import RefundMethod
    except ImportError:
        return []
    return RefundMethod.choices


def _load(claim_id: int):
    claim = selectors.claim_detail(claim_id)
    if claim is None:
        raise Http404
    return claim


@staff_required("claims.view")
def claim_detail(request, claim_id: int):
    return render_page(request, "console/claims/detail.html", _detail_context(request, _load(claim_id)))


ACTIONS = ("review", "approve", "reject", "remedy", "failed", "resolve", "close")


@require_POST
@staff_required("claims.change")
def claim_action(request, claim_id: int, action: str):
    claim = _load(claim_id)
    p = request.POST
    note = p.get("note", "")[:2000]
    try:
        if action == "review":
            services.claim_start_review(claim=claim, actor=request.user, note=note)
            done = _("Review started.")
        elif action == "approve":
            services.claim_approve(claim=claim, actor=request.user, note=note)
            done = _("Claim approved. Now choose the remedy.")
        elif action == "reject":
            services.claim_reject(claim=claim, actor=request.user, reason=p.get("reason", "")[:2000])
            done = _("Claim rejected; the customer will receive the reason.")
        elif action == "remedy":
            services.claim_choose_remedy(
                claim=claim, actor=request.user, remedy=p.get("remedy", "")[:20],
                grounds=[g[:40] for g in p.getlist("grounds")[:10]],
                justification=p.get("justification", "")[:5000],
                amount=p.get("amount", "").strip().replace(",", ".")[:20] or None,
                refund_method=p.get("refund_method", "original_payment")[:30],
            )  # fmt: skip
            done = _("Remedy recorded and started.")
        elif action == "failed":
            services.claim_remedy_failed(claim=claim, actor=request.user, note=note)
            done = _("Recorded: the remedy failed. Choose another remedy.")
        elif action == "resolve":
            services.claim_resolve(claim=claim, actor=request.user, note=note)
            done = _("Claim resolved.")
        elif action == "close":
            services.claim_close(claim=claim, actor=request.user, note=note)
            done = _("Claim closed.")
        else:
            raise Http404
    except ApplicationError as exc:
        context = _detail_context(request, _load(claim_id), action_error=exc.message, failed_action=action,
                                  form={k: p.get(k, "") for k in ("reason", "note", "justification", "amount",
                                                                  "remedy", "refund_method")} | {
                                      "grounds": p.getlist("grounds")})  # fmt: skip
        return render_page(request, "console/claims/detail.html", context, status=422)
    messages.success(request, done)
    return redirect("console:claim_detail", claim_id=claim_id)


@require_http_methods(["GET", "POST"])
@staff_required("claims.change")
def claim_new(request):
    """File a claim for a customer who calls or comes to the counter: pick one of their units."""
    from postventa.customers.models import Customer

    customer_id = _int(request.GET.get("customer") or request.POST.get("customer"))
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    assets = list(selectors.customer_assets(customer)) if customer else []
    form = {"asset": request.GET.get("asset", ""), "serial": "", "symptoms": "", "preferred_remedy": ""}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip()[:5000] for k in form}
        try:
            if customer is None:
                raise NotFound(_("Choose the customer first."))
            claim = services.claim_file(
                customer=customer, asset_id=_int(form["asset"]), serial=form["serial"][:80],
                symptoms=form["symptoms"], preferred_remedy=form["preferred_remedy"][:16],
                photos=request.FILES.getlist("photos"), channel=ClaimChannel.STAFF, actor=request.user,
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Claim %(number)s filed.") % {"number": claim.number})
            return redirect("console:claim_detail", claim_id=claim.pk)
    context = {
        "nav": "claims", "customer": customer, "assets": assets, "form": form, "error": error,
        "preferred": PreferredRemedy.choices,
    }  # fmt: skip
    return render_page(request, "console/claims/new.html", context, status=422 if error else 200)


@staff_required("claims.view")
def claim_rate(request):
    g = request.GET
    today = timezone.localdate()
    end = parse_date(g.get("end", "") or "") or today
    start = parse_date(g.get("start", "") or "") or end - dt.timedelta(days=365)
    error = None
    if start > end:
        error = _("The period starts after it ends.")
        start, end = end - dt.timedelta(days=365), end
    sort = g.get("sort", "rate") if g.get("sort", "rate") in selectors.SORTS else "rate"
    rows = selectors.claim_rate(start=start, end=end, sort=sort)
    presets = [(_("Last 90 days"), today - dt.timedelta(days=90)), (_("Last 12 months"), today - dt.timedelta(days=365)),
               (_("Last 3 years"), today - dt.timedelta(days=3 * 365))]  # fmt: skip
    context = {
        "nav": "claims", "rows": rows, "start": start, "end": end, "sort": sort, "error": error,
        "presets": presets, "today": today, "total_claims": sum(r.claims for r in rows),
    }  # fmt: skip
    return render_page(request, "console/claims/rate.html", context)


@staff_required("claims.view")
def claim_photo(request, claim_id: int, photo_id: int):
    from postventa.helpdesk.downloads import file_response

    photo = ClaimPhoto.objects.filter(pk=photo_id, claim_id=claim_id).first()
    if photo is None:
        raise Http404
    try:
        return file_response(photo)
    except NotFound:
        raise Http404
