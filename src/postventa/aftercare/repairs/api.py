"""REST endpoints: repairs (service orders) and spare parts (mounted at /api/v1/repairs)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.repairs import selectors, services
from postventa.aftercare.repairs.schemas import (
    CompleteIn,
    DecisionIn,
    DiagnosisIn,
    PartUseIn,
    QuoteIn,
    RepairDetailOut,
    RepairIn,
    RepairOut,
    RepairPage,
    SparePartIn,
    SparePartOut,
    SparePartPage,
    StockIn,
    TechnicianIn,
    TransitionIn,
)
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Repairs"])


def _detail(repair) -> dict:
    from django.urls import reverse

    summary = selectors.quote_summary(repair)
    data = RepairOut.from_orm(repair).dict()
    data["quote"] = {**summary, "lines": [
        {"id": ln.pk, "kind": ln.kind, "description": ln.description, "spare_part_id": ln.spare_part_id,
         "quantity": ln.quantity, "unit_price": ln.unit_price, "line_total": ln.line_total}
        for ln in summary["lines"]
    ]}  # fmt: skip
    data["parts_used"] = selectors.part_usages(repair)
    data["timeline"] = selectors.timeline(repair)
    data["photos"] = [
        {
            "id": p.pk,
            "name": p.original_name,
            "content_type": p.content_type,
            "size": p.size,
            "url": reverse("console:repair_photo", kwargs={"repair_id": repair.pk, "photo_id": p.pk}),
        }
        for p in repair.photos.all()
    ]
    return data


@router.get("", response=RepairPage, summary="Repairs, newest first (filters: status, technician, warranty)")
def list_repairs(
    request,
    status: str | None = None,
    technician_id: int | None = None,
    under_warranty: bool | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    cursor: str | None = None,
    page_size: int = Query(settings.API_PAGE_SIZE),
):
    require(request.user, "repairs.view")
    qs = selectors.repair_list(
        status=status,
        technician_id=technician_id,
        under_warranty=under_warranty,
        customer_id=customer_id,
        asset_id=asset_id,
    )
    page = keyset_page(qs, cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "", response={201: RepairDetailOut}, summary="Open a repair: the asset was received (repairs.change)"
)
def create_repair(request, payload: RepairIn):
    from postventa.catalog.models import Asset

    require(request.user, "repairs.change")
    asset = Asset.objects.filter(pk=payload.asset_id).first()
    if asset is None:
        raise ValidationFailed(_("That asset does not exist."), code="asset_not_found")
    ticket = None
    if payload.ticket_id:
        from postventa.helpdesk.models import Ticket

        ticket = Ticket.objects.filter(pk=payload.ticket_id).first()
        if ticket is None:
            raise ValidationFailed(_("That ticket does not exist."), code="ticket_not_found")
    repair = services.open_repair(
        actor=request.user,
        asset=asset,
        fault=payload.fault,
        under_warranty=payload.under_warranty,
        claim_id=payload.claim_id,
        ticket=ticket,
        accessories=payload.accessories,
    )
    return Status(201, _detail(selectors.repair_get(repair.pk)))


@router.get("/spare-parts", response=SparePartPage, summary="Spare parts with stock")
def list_parts(
    request,
    q: str | None = None,
    product_id: int | None = None,
    low_stock: bool = False,
    cursor: str | None = None,
    page_size: int = Query(settings.API_PAGE_SIZE),
):
    require(request.user, "repairs.view")
    qs = selectors.spare_part_list(q=q, product_id=product_id, low_stock=low_stock).prefetch_related(
        "compatible_products"
    )
    page = keyset_page(qs, cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/spare-parts", response={201: SparePartOut}, summary="Add a spare part (repairs.manage)")
def create_part(request, payload: SparePartIn):
    return Status(201, services.spare_part_save(actor=request.user, **payload.dict()))


@router.get("/spare-parts/{part_id}", response=SparePartOut)
def get_part(request, part_id: int):
    require(request.user, "repairs.view")
    return selectors.spare_part_get(part_id)


@router.put("/spare-parts/{part_id}", response=SparePartOut, summary="Edit a spare part (repairs.manage)")
def update_part(request, part_id: int, payload: SparePartIn):
    require(request.user, "repairs.manage")
    part = selectors.spare_part_get(part_id)
    data = payload.dict()
    data.pop("stock", None)  # stock moves only through the stock endpoint and repairs
    return services.spare_part_save(actor=request.user, part=part, **data)


@router.post(
    "/spare-parts/{part_id}/stock", response=SparePartOut, summary="Add or write off stock (repairs.manage)"
)
def change_stock(request, part_id: int, payload: StockIn):
    require(request.user, "repairs.manage")
    part = selectors.spare_part_get(part_id)
    return services.restock_part(
        actor=request.user, spare_part=part, delta=payload.delta, reason=payload.reason
    )


@router.get(
    "/{repair_id}", response=RepairDetailOut, summary="A repair with its quote, parts used and timeline"
)
def get_repair(request, repair_id: int):
    require(request.user, "repairs.view")
    return _detail(selectors.repair_get(repair_id))


def _staff_repair(request, repair_id: int):
    require(request.user, "repairs.change")
    return selectors.repair_get(repair_id)


@router.post("/{repair_id}/transition", response=RepairDetailOut, summary="Move a repair along its pipeline")
def transition(request, repair_id: int, payload: TransitionIn):
    repair = _staff_repair(request, repair_id)
    services.transition_repair(
        actor=request.user, repair=repair, to_status=payload.to_status, note=payload.note
    )
    return _detail(selectors.repair_get(repair_id))


@router.post("/{repair_id}/diagnosis", response=RepairDetailOut, summary="Write the diagnosis")
def diagnose(request, repair_id: int, payload: DiagnosisIn):
    repair = _staff_repair(request, repair_id)
    services.save_diagnosis(actor=request.user, repair=repair, diagnosis=payload.diagnosis)
    return _detail(selectors.repair_get(repair_id))


@router.put(
    "/{repair_id}/quote", response=RepairDetailOut, summary="Replace the quote lines (parts and labour)"
)
def put_quote(request, repair_id: int, payload: QuoteIn):
    repair = _staff_repair(request, repair_id)
    services.set_quote(
        actor=request.user,
        repair=repair,
        lines=[line.dict() for line in payload.lines],
        vat_rate=payload.vat_rate,
    )
    return _detail(selectors.repair_get(repair_id))


@router.post(
    "/{repair_id}/quote/send", response=RepairDetailOut, summary="Send the quote (the customer gets a link)"
)
def send_quote(request, repair_id: int):
    repair = _staff_repair(request, repair_id)
    services.send_quote(actor=request.user, repair=repair)
    return _detail(selectors.repair_get(repair_id))


@router.post("/{repair_id}/quote/decision", response=RepairDetailOut, summary="Record the customer's answer")
def record_decision(request, repair_id: int, payload: DecisionIn):
    repair = _staff_repair(request, repair_id)
    services.record_quote_decision(
        actor=request.user, repair=repair, approve=payload.approve, comment=payload.comment
    )
    return _detail(selectors.repair_get(repair_id))


@router.post(
    "/{repair_id}/parts", response={201: RepairDetailOut}, summary="Use a spare part (stock goes down)"
)
def use_part(request, repair_id: int, payload: PartUseIn):
    repair = _staff_repair(request, repair_id)
    part = selectors.spare_part_get(payload.spare_part_id)
    services.use_part(actor=request.user, repair=repair, spare_part=part, quantity=payload.quantity)
    return Status(201, _detail(selectors.repair_get(repair_id)))


@router.post(
    "/{repair_id}/technician", response=RepairDetailOut, summary="Assign (or unassign) the technician"
)
def assign(request, repair_id: int, payload: TechnicianIn):
    from postventa.accounts.models import User

    repair = _staff_repair(request, repair_id)
    technician = None
    if payload.technician_id:
        technician = User.objects.filter(pk=payload.technician_id).first()
        if technician is None:
            raise NotFound(_("That user does not exist."), code="user_not_found")
    services.assign_technician(actor=request.user, repair=repair, technician=technician)
    return _detail(selectors.repair_get(repair_id))


@router.post("/{repair_id}/complete", response=RepairDetailOut, summary="Complete the repair with a report")
def complete(request, repair_id: int, payload: CompleteIn):
    repair = _staff_repair(request, repair_id)
    services.complete_repair(actor=request.user, repair=repair, report=payload.report)
    return _detail(selectors.repair_get(repair_id))
