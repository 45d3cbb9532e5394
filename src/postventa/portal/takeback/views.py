"""Portal: recycling. Disposal instructions for my products, take-back requests (new, list, detail, cancel)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from postventa.aftercare.takeback import selectors, services
from postventa.aftercare.takeback.models import TakebackRequest
from postventa.core.errors import ApplicationError
from postventa.portal.auth import customer_required


def _my_assets(customer):
    from postventa.catalog.models import Asset

    return list(Asset.objects.filter(customer=customer).select_related("product__category").order_by("-created_at"))


@never_cache
@customer_required
def takeback_home(request):
    customer = request.portal_customer
    requests_ = list(selectors.request_list(customer_id=customer.pk).order_by("-created_at", "-id")[:50])
    assets = _my_assets(customer)
    category_ids = {a.product.category_id for a in assets if a.product.category_id}
    instructions = [i for i in selectors.instruction_list() if i.category_id in category_ids]
    return render(request, "portal/takeback/home.html",
                  {"customer": customer, "requests": requests_, "instructions": instructions})  # fmt: skip


@never_cache
@customer_required
@require_http_methods(["GET", "POST"])
def takeback_new(request):
    customer = request.portal_customer
    assets = _my_assets(customer)
    context = {"customer": customer, "assets": assets, "methods": TakebackRequest.Method.choices, "error": "",
               "form": {"asset": request.GET.get("asset", ""), "method": "pickup", "address": "", "item": "",
                        "note": ""}}  # fmt: skip
    if request.method == "GET":
        return render(request, "portal/takeback/new.html", context)
    form = {k: request.POST.get(k, "")[:2000] for k in ("asset", "method", "address", "item", "note")}
    context["form"] = form
    asset = None
    if form["asset"]:
        asset = next((a for a in assets if str(a.pk) == form["asset"]), None)
        if asset is None:
            context["error"] = _("Choose one of your products from the list.")
            return render(request, "portal/takeback/new.html", context, status=400)
    try:
        req = services.request_create(customer=customer, asset=asset, item_description=form["item"],
                                      method=form["method"], address=form["address"], note=form["note"])  # fmt: skip
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "portal/takeback/new.html", context, status=400 if exc.status < 500 else exc.status)
    messages.success(request, _("Thank you. We will tell you the date by email."))
    return redirect("portal:takeback_detail", request_id=req.pk)


@never_cache
@customer_required
def takeback_detail(request, request_id: int):
    try:
        req = selectors.request_get(request_id, customer=request.portal_customer)
    except ApplicationError:
        raise Http404
    instruction = selectors.instruction_for_category(req.category_id)
    return render(request, "portal/takeback/detail.html",
                  {"customer": request.portal_customer, "req": req, "instruction": instruction})  # fmt: skip


@customer_required
@require_POST
def takeback_cancel(request, request_id: int):
    try:
        req = selectors.request_get(request_id, customer=request.portal_customer)
    except ApplicationError:
        raise Http404
    try:
        services.request_cancel_by_customer(customer=request.portal_customer, request=req)
        messages.success(request, _("The request was cancelled."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("portal:takeback_detail", request_id=req.pk)
