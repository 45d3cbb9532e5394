"""Console pages for interest-free payment plans: list, create from a repair or an order, detail."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.payment_plans import schedule, selectors, services
from postventa.aftercare.payment_plans.models import Instalment, PaymentPlan
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can

PAGE_SIZE = 50
TONES = {
    "active": "brand",
    "completed": "ok",
    "cancelled": "",
    "due": "info",
    "paid": "ok",
    "overdue": "warn",
}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


@staff_required("plans.view")
def plan_list(request):
    g = request.GET
    status = g.get("status", "") if g.get("status", "") in PaymentPlan.Status.values else ""
    qs = selectors.plan_list(
        status=status or None, customer_id=_int(g.get("customer")), overdue=g.get("overdue") == "1"
    )
    try:
        page = keyset_page(qs, cursor=g.get("cursor") or None, page_size=PAGE_SIZE)
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE)
    for plan in page.items:
        plan.tone = TONES.get(plan.status, "")
    context = {
        "nav": "payment_plans",
        "page": page,
        "statuses": PaymentPlan.Status.choices,
        "filters": {"status": status, "overdue": g.get("overdue", "")},
    }
    return render_page(request, "console/payment_plans/list.html", context)


def _source(request):
    repair = order = None
    data = request.POST if request.method == "POST" else request.GET
    if _int(data.get("repair")):
        from postventa.aftercare.repairs.selectors import repair_get

        try:
            repair = repair_get(_int(data.get("repair")))
        except NotFound:
            raise Http404
    elif _int(data.get("order")) or data.get("order_number", "").strip():
        from postventa.orders.models import Order

        qs = Order.objects.select_related("customer")
        if _int(data.get("order")):
            order = qs.filter(pk=_int(data.get("order"))).first()
        else:
            order = qs.filter(number=data.get("order_number", "").strip()[:40]).first()
        if order is None:
            raise Http404
    return repair, order


@staff_required("plans.change")
def plan_create(request):
    repair, order = _source(request)
    if repair is None and order is None:
        messages.error(request, _("Create a payment plan from a repair or from an order."))
        return redirect("console:payment_plan_list")
    if repair is not None:
        from postventa.aftercare.repairs.selectors import quote_summary

        total, currency, customer = quote_summary(repair)["customer_total"], repair.currency, repair.customer
    else:
        total, currency, customer = order.total, order.currency, order.customer
    today = services.local_today(customer.time_zone, timezone.now())
    values = {
        "instalments": "3",
        "interval": "monthly",
        "interval_days": "",
        "first_due_on": schedule.add_months(today, 1).isoformat(),
        "principal": str(total),
        "notes": "",
    }
    errors = []
    preview = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        first = parse_date(values["first_due_on"]) if values["first_due_on"] else None
        try:
            if values["first_due_on"] and first is None:
                raise ApplicationError(_("The first due date is not a date."))
            plan = services.create_plan(
                actor=request.user,
                repair=repair,
                order=order,
                instalments=_int(values["instalments"]) if values["instalments"].strip().isdigit() else -1,
                principal=values["principal"] or None,
                interval=values["interval"],
                interval_days=_int(values["interval_days"]),
                first_due_on=first,
                notes=values["notes"],
            )
        except ApplicationError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, _("Payment plan %(number)s created.") % {"number": plan.number})
            return redirect("console:payment_plan_detail", plan.pk)
    else:
        n = 3
        if int(total * 100) >= n and total > 0:
            preview = list(
                zip(
                    schedule.due_dates(parse_date(values["first_due_on"]), n),
                    schedule.split(total, n),
                    strict=True,
                )
            )
    context = {
        "nav": "payment_plans",
        "repair": repair,
        "order": order,
        "customer": customer,
        "total": total,
        "currency": currency,
        "values": values,
        "errors": errors,
        "preview": preview,
        "max_instalments": schedule.MAX_INSTALMENTS,
    }
    return render_page(request, "console/payment_plans/create.html", context, status=400 if errors else 200)


def _plan_or_404(plan_id: int) -> PaymentPlan:
    try:
        return selectors.plan_get(plan_id)
    except NotFound:
        raise Http404


@staff_required("plans.view")
def plan_detail(request, plan_id: int):
    plan = _plan_or_404(plan_id)
    rows = selectors.instalments(plan)
    for row in rows:
        row.tone = TONES.get(row.status, "")
    context = {
        "nav": "payment_plans",
        "plan": plan,
        "tone": TONES.get(plan.status, ""),
        "rows": rows,
        "terms": selectors.terms_text(plan, rows),
        "progress": selectors.progress(plan, rows),
        "can_change": can(request.user, "plans.change"),
    }
    return render_page(request, "console/payment_plans/detail.html", context)


@require_POST
@staff_required("plans.change")
def plan_pay(request, plan_id: int, sequence: int):
    plan = _plan_or_404(plan_id)
    inst = Instalment.objects.filter(plan=plan, sequence=sequence).first()
    if inst is None:
        raise Http404
    try:
        services.record_payment(
            actor=request.user, instalment=inst, reference=request.POST.get("reference", "")
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Payment of instalment %(n)s recorded.") % {"n": sequence})
    return redirect("console:payment_plan_detail", plan.pk)


@require_POST
@staff_required("plans.change")
def plan_cancel(request, plan_id: int):
    plan = _plan_or_404(plan_id)
    try:
        services.cancel_plan(actor=request.user, plan=plan, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Payment plan cancelled."))
    return redirect("console:payment_plan_detail", plan.pk)
