"""REST endpoints: maintenance plans, reminders, service visits and owner notices (/api/v1/maintenance)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.maintenance import notices, selectors, services
from postventa.aftercare.maintenance.schemas import (
    ConsumableIn,
    ConsumableOut,
    DeliveryPage,
    FailurePointIn,
    FailurePointOut,
    NoticeIn,
    NoticeOut,
    NoticePage,
    NoticeRangeIn,
    PlanIn,
    PlanOut,
    PlanPage,
    PreviewOut,
    ReminderPage,
    VisitCancelIn,
    VisitCompleteIn,
    VisitConfirmIn,
    VisitIn,
    VisitOut,
    VisitPage,
)
from postventa.core.errors import NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Maintenance and owner notices"])


def _product(product_id: int):
    from postventa.catalog.models import Product

    product = Product.objects.filter(pk=product_id).first() if 0 < product_id < 2**62 else None
    if product is None:
        raise NotFound(_("That product does not exist."))
    return product


def _asset(asset_id: int):
    from postventa.catalog.models import Asset

    asset = (
        Asset.objects.select_related("customer", "product").filter(pk=asset_id).first()
        if 0 < asset_id < 2**62
        else None
    )
    if asset is None:
        raise NotFound(_("That asset does not exist."))
    return asset


def _page(qs, cursor, page_size, order_field="id"):
    page = keyset_page(qs, cursor=cursor, page_size=page_size, order_field=order_field)
    return {"items": page.items, "next_cursor": page.next_cursor}


# --- plans
@router.get("/plans", response=PlanPage, summary="Maintenance plans")
def list_plans(request, cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE)):
    require(request.user, "maintenance.view")
    return _page(selectors.plan_list(), cursor, page_size)


@router.post(
    "/plans",
    response={200: PlanOut, 201: PlanOut},
    summary="Create or replace a product's plan (maintenance.manage)",
)
def save_plan(request, payload: PlanIn):
    require(request.user, "maintenance.manage")
    product = _product(payload.product_id)
    existed = selectors.plan_for_product(product.pk) is not None
    data = payload.dict(exclude={"product_id"})
    plan = services.plan_save(acting_user=request.user, product=product, **data)
    return Status(200 if existed else 201, selectors.plan_get(plan.pk))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request, plan_id: int):
    require(request.user, "maintenance.view")
    return selectors.plan_get(plan_id)


@router.post(
    "/plans/{plan_id}/consumables",
    response={201: ConsumableOut},
    summary="Add a consumable (maintenance.manage)",
)
def add_consumable(request, plan_id: int, payload: ConsumableIn):
    require(request.user, "maintenance.manage")
    plan = selectors.plan_get(plan_id)
    data = payload.dict()
    product = _product(data.pop("product_id")) if data.get("product_id") else None
    data.pop("product_id", None)
    return Status(201, services.consumable_add(acting_user=request.user, plan=plan, product=product, **data))


@router.delete("/plans/{plan_id}/consumables/{item_id}", response={204: None})
def remove_consumable(request, plan_id: int, item_id: int):
    require(request.user, "maintenance.manage")
    services.consumable_remove(
        acting_user=request.user, plan=selectors.plan_get(plan_id), consumable_id=item_id
    )
    return Status(204, None)


@router.post(
    "/plans/{plan_id}/failure-points", response={201: FailurePointOut}, summary="Add a known failure point"
)
def add_failure_point(request, plan_id: int, payload: FailurePointIn):
    require(request.user, "maintenance.manage")
    plan = selectors.plan_get(plan_id)
    return Status(201, services.failure_point_add(acting_user=request.user, plan=plan, **payload.dict()))


@router.delete("/plans/{plan_id}/failure-points/{item_id}", response={204: None})
def remove_failure_point(request, plan_id: int, item_id: int):
    require(request.user, "maintenance.manage")
    services.failure_point_remove(
        acting_user=request.user, plan=selectors.plan_get(plan_id), failure_point_id=item_id
    )
    return Status(204, None)


# --- reminders
@router.get("/reminders", response=ReminderPage, summary="Scheduled and sent reminders")
def list_reminders(
    request,
    status: str = "",
    kind: str = "",
    product_id: int | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    cursor: str | None = None,
    page_size: int = Query(settings.API_PAGE_SIZE),
):
    require(request.user, "maintenance.view")
    qs = selectors.reminder_list(status=status[:12], kind=kind[:16], product_id=product_id,
                                 customer_id=customer_id, asset_id=asset_id)  # fmt: skip
    return _page(qs, cursor, page_size)


# --- visits
@router.get("/visits", response=VisitPage, summary="Service visits")
def list_visits(request, status: str = "", customer_id: int | None = None, cursor: str | None = None,
                page_size: int = Query(settings.API_PAGE_SIZE)):  # fmt: skip
    require(request.user, "maintenance.view")
    return _page(selectors.visit_list(status=status[:10], customer_id=customer_id), cursor, page_size)


@router.post(
    "/visits", response={201: VisitOut}, summary="Book a visit for a customer's asset (maintenance.change)"
)
def book_visit(request, payload: VisitIn):
    require(request.user, "maintenance.change")
    asset = _asset(payload.asset_id)
    visit = services.visit_book(asset=asset, customer=asset.customer, preferred_date=payload.preferred_date,
                                slot=payload.slot, note=payload.note, source="staff", acting_user=request.user)  # fmt: skip
    return Status(201, visit)


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    require(request.user, "maintenance.view")
    return selectors.visit_get(visit_id)


@router.post("/visits/{visit_id}/confirm", response=VisitOut)
def confirm_visit(request, visit_id: int, payload: VisitConfirmIn):
    visit = selectors.visit_get(visit_id)
    return services.visit_confirm(acting_user=request.user, visit=visit, **payload.dict())


@router.post(
    "/visits/{visit_id}/complete", response=VisitOut, summary="Complete a visit: the schedule restarts"
)
def complete_visit(request, visit_id: int, payload: VisitCompleteIn):
    visit = selectors.visit_get(visit_id)
    return services.visit_complete(acting_user=request.user, visit=visit, **payload.dict())


@router.post("/visits/{visit_id}/cancel", response=VisitOut)
def cancel_visit(request, visit_id: int, payload: VisitCancelIn):
    visit = selectors.visit_get(visit_id)
    return services.visit_cancel(acting_user=request.user, visit=visit, reason=payload.reason)


# --- owner notices
@router.get("/notices", response=NoticePage, summary="Owner notices (recalls, firmware, end of life)")
def list_notices(request, kind: str = "", product_id: int | None = None, cursor: str | None = None,
                 page_size: int = Query(settings.API_PAGE_SIZE)):  # fmt: skip
    require(request.user, "maintenance.view")
    return _page(selectors.notice_list(kind=kind[:16], product_id=product_id), cursor, page_size)


@router.post("/notices/preview", response=PreviewOut, summary="How many owners a notice would reach")
def preview_notice(request, payload: NoticeRangeIn):
    require(request.user, "maintenance.manage")
    return notices.notice_preview(product=_product(payload.product_id), serial_from=payload.serial_from,
                                  serial_to=payload.serial_to, numeric=payload.numeric_serials)  # fmt: skip


@router.post(
    "/notices",
    response={201: NoticeOut},
    summary="Send a notice to every owner in range (maintenance.manage)",
)
def send_notice(request, payload: NoticeIn):
    require(request.user, "maintenance.manage")
    data = payload.dict()
    product = _product(data.pop("product_id"))
    notice = notices.notice_send(acting_user=request.user, product=product, **data)
    notice.progress = notices.notice_progress(notice)
    return Status(201, notice)


@router.get("/notices/{notice_id}", response=NoticeOut)
def get_notice(request, notice_id: int):
    require(request.user, "maintenance.view")
    notice = selectors.notice_get(notice_id)
    notice.progress = notices.notice_progress(notice)
    return notice


@router.get("/notices/{notice_id}/deliveries", response=DeliveryPage, summary="Per-owner delivery status")
def list_deliveries(request, notice_id: int, status: str = "", cursor: str | None = None,
                    page_size: int = Query(settings.API_PAGE_SIZE)):  # fmt: skip
    require(request.user, "maintenance.view")
    notice = selectors.notice_get(notice_id)
    return _page(selectors.delivery_list(notice, status=status[:12]), cursor, page_size)
