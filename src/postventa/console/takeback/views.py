"""Console: take-back requests (list, new, detail with the next steps) and disposal instructions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from postventa.aftercare.takeback import selectors, services
from postventa.aftercare.takeback.models import TakebackRequest, TakebackStatus
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 50


@staff_required("takeback.view")
def request_list(request):
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in TakebackStatus.values else ""
    method = g.get("method", "") if g.get("method", "") in TakebackRequest.Method.values else ""
    customer_id = selectors._pk(g.get("customer"))
    qs = selectors.request_list(status=status, method=method, customer_id=customer_id, q=g.get("q", "")[:80])
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE)
    context = {"nav": "takeback", "page": page, "statuses": TakebackStatus.choices,
               "methods": TakebackRequest.Method.choices, "can_change": can(request.user, "takeback.change"),
               "filters": {"status": status, "method": method, "q": g.get("q", ""), "customer": customer_id or ""}}  # fmt: skip
    return render_page(request, "console/takeback/list.html", context, partial="console/takeback/_rows.html")


@staff_required("takeback.view")
def request_detail(request, request_id: int):
    try:
        req = selectors.request_get(request_id)
    except ApplicationError:
        raise Http404
    return render_page(request, "console/takeback/detail.html", {
        "nav": "takeback", "req": req, "can_change": can(request.user, "takeback.change"),
        "next": [(s, TakebackStatus(s).label) for s in req.next_statuses],
        "instruction": selectors.instruction_for_category(req.category_id),
    })  # fmt: skip


@staff_required("takeback.change")
@require_POST
def request_transition(request, request_id: int):
    try:
        req = selectors.request_get(request_id)
    except ApplicationError:
        raise Http404
    p = request.POST
    try:
        services.request_transition(acting_user=request.user, request=req, to_status=p.get("status", ""),
                                    note=p.get("note", ""), scheduled_for=p.get("scheduled_for") or None,
                                    certificate_number=p.get("certificate_number", ""))  # fmt: skip
        messages.success(request, _("Status updated. The customer is told by email."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:takeback_detail", request_id=req.pk)


@staff_required("takeback.change")
@require_http_methods(["GET", "POST"])
def request_new(request):
    from postventa.catalog.models import Asset
    from postventa.customers.models import Customer

    src = request.POST if request.method == "POST" else request.GET
    form = {k: src.get(k, "")[:2000] for k in ("customer", "asset", "method", "address", "item", "note")}
    customer = Customer.objects.filter(pk=selectors._pk(form["customer"])).first() if form["customer"] else None
    assets = list(Asset.objects.filter(customer=customer).select_related("product")) if customer else []
    context = {"nav": "takeback", "form": form, "customer": customer, "assets": assets,
               "methods": TakebackRequest.Method.choices, "error": ""}  # fmt: skip
    if request.method == "GET":
        return render_page(request, "console/takeback/new.html", context)
    try:
        if customer is None:
            raise ApplicationError(_("Give the id of an existing customer."))
        asset = next((a for a in assets if str(a.pk) == form["asset"]), None) if form["asset"] else None
        if form["asset"] and asset is None:
            raise ApplicationError(_("That product is not registered to this customer."))
        req = services.request_create(customer=customer, asset=asset, item_description=form["item"],
                                      method=form["method"], address=form["address"], note=form["note"],
                                      acting_user=request.user)  # fmt: skip
    except ApplicationError as exc:
        context["error"] = exc.message
        return render_page(request, "console/takeback/new.html", context, status=400)
    messages.success(request, _("Take-back request %(n)s opened.") % {"n": req.number})
    return redirect("console:takeback_detail", request_id=req.pk)


@staff_required("takeback.view")
def instruction_list(request):
    from postventa.catalog.models import Category

    existing = {i.category_id: i for i in selectors.instruction_list()}
    categories = list(Category.objects.order_by("slug"))
    for c in categories:
        c.instruction = existing.get(c.pk)
    return render_page(request, "console/takeback/instructions.html",
                       {"nav": "takeback", "categories": categories,
                        "can_manage": can(request.user, "takeback.manage")})  # fmt: skip


@staff_required("takeback.manage")
@require_http_methods(["GET", "POST"])
def instruction_edit(request, category_id: int):
    from postventa.catalog.models import Category

    category = Category.objects.filter(pk=selectors._pk(category_id)).first()
    if category is None:
        raise Http404
    item = selectors.instruction_for_category(category.pk)
    keys = ("instructions_es", "instructions_en", "battery_rules_es", "battery_rules_en")
    form = {k: getattr(item, k, "") for k in keys} | {"accepts_pickup": item.accepts_pickup if item else True}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:6000] for k in keys} | {"accepts_pickup": request.POST.get("accepts_pickup") == "on"}
        try:
            services.instruction_save(acting_user=request.user, category=category, **form)
            messages.success(request, _("Instructions saved."))
            return redirect("console:takeback_instructions")
        except ApplicationError as exc:
            error = exc.message
    return render_page(request, "console/takeback/instruction_edit.html",
                       {"nav": "takeback", "category": category, "form": form, "error": error},
                       status=400 if error else 200)  # fmt: skip
