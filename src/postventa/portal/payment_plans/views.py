"""The customer's interest-free payment plans in the portal (their own only; anything else is a 404)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from postventa.aftercare.payment_plans import selectors
from postventa.core.errors import NotFound
from postventa.portal.auth import customer_required


@customer_required
def plan_list(request):
    plans = list(
        selectors.plan_list(customer_id=request.portal_customer.pk).prefetch_related("instalments")[:100]
    )
    for plan in plans:
        rows = list(plan.instalments.all())
        plan.terms = selectors.terms_text(plan, rows)
        plan.progress = selectors.progress(plan, rows)
    return render(
        request, "portal/payment_plans/list.html", {"customer": request.portal_customer, "plans": plans}
    )


@customer_required
def plan_detail(request, number: str):
    try:
        plan = selectors.plan_by_number(number, customer_id=request.portal_customer.pk)
    except NotFound:
        raise Http404
    rows = selectors.instalments(plan)
    context = {
        "customer": request.portal_customer,
        "plan": plan,
        "rows": rows,
        "terms": selectors.terms_text(plan, rows),
        "progress": selectors.progress(plan, rows),
    }
    return render(request, "portal/payment_plans/detail.html", context)
