"""REST endpoints: interest-free payment plans (mounted at /api/v1/payment-plans)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.payment_plans import selectors, services
from postventa.aftercare.payment_plans.schemas import CancelIn, PaymentIn, PlanDetailOut, PlanIn, PlanPage
from postventa.core.errors import ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Interest-free payment plans"])


def _detail(plan) -> dict:
    rows = selectors.instalments(plan)
    data = {
        f: getattr(plan, f) for f in PlanDetailOut.model_fields if hasattr(plan, f) and f != "instalments"
    }
    data["terms"] = selectors.terms_text(plan, rows)
    data["interest_rate_percent"] = 0
    data["instalments"] = rows
    return data


@router.get("", response=PlanPage, summary="Payment plans, newest first")
def list_plans(
    request,
    status: str | None = None,
    customer_id: int | None = None,
    repair_id: int | None = None,
    overdue: bool = False,
    cursor: str | None = None,
    page_size: int = Query(settings.API_PAGE_SIZE),
):
    require(request.user, "plans.view")
    qs = selectors.plan_list(status=status, customer_id=customer_id, repair_id=repair_id, overdue=overdue)
    page = keyset_page(qs, cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "", response={201: PlanDetailOut}, summary="Split a repair or an order into interest-free instalments"
)
def create_plan(request, payload: PlanIn):
    require(request.user, "plans.change")
    repair = order = None
    if payload.repair_id:
        from postventa.aftercare.repairs.selectors import repair_get

        repair = repair_get(payload.repair_id)
    if payload.order_id:
        from postventa.orders.models import Order

        order = Order.objects.select_related("customer").filter(pk=payload.order_id).first()
        if order is None:
            raise ValidationFailed(_("That order does not exist."), code="order_not_found")
    plan = services.create_plan(
        actor=request.user,
        repair=repair,
        order=order,
        instalments=payload.instalments,
        principal=payload.principal,
        amounts=payload.amounts,
        interval=payload.interval,
        interval_days=payload.interval_days,
        first_due_on=payload.first_due_on,
        notes=payload.notes,
    )
    return Status(201, _detail(selectors.plan_get(plan.pk)))


@router.get(
    "/{plan_id}", response=PlanDetailOut, summary="A plan with its instalments and plain-language terms"
)
def get_plan(request, plan_id: int):
    require(request.user, "plans.view")
    return _detail(selectors.plan_get(plan_id))


@router.post(
    "/{plan_id}/instalments/{sequence}/pay",
    response=PlanDetailOut,
    summary="Record the payment of an instalment",
)
def pay(request, plan_id: int, sequence: int, payload: PaymentIn):
    require(request.user, "plans.change")
    plan = selectors.plan_get(plan_id)
    inst = services.instalment_get_for_update(plan, sequence)
    services.record_payment(actor=request.user, instalment=inst, reference=payload.reference)
    return _detail(selectors.plan_get(plan_id))


@router.post("/{plan_id}/cancel", response=PlanDetailOut, summary="Cancel an active plan")
def cancel(request, plan_id: int, payload: CancelIn):
    require(request.user, "plans.change")
    plan = selectors.plan_get(plan_id)
    services.cancel_plan(actor=request.user, plan=plan, reason=payload.reason)
    return _detail(selectors.plan_get(plan_id))
