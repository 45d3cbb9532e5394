"""REST endpoints: take-back requests and disposal instructions (/api/v1/takeback)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.aftercare.takeback import selectors, services
from postventa.aftercare.takeback.schemas import (
    InstructionIn,
    InstructionOut,
    TakebackIn,
    TakebackOut,
    TakebackPage,
    TransitionIn,
)
from postventa.core.errors import NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require

router = Router(tags=["Take-back and recycling"])


def _get(model, pk: int, message: str):
    obj = model.objects.filter(pk=pk).first() if 0 < pk < 2**62 else None
    if obj is None:
        raise NotFound(message)
    return obj


@router.get("/requests", response=TakebackPage, summary="Take-back requests")
def list_requests(request, status: str = "", method: str = "", customer_id: int | None = None, q: str = "",
                  cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE)):  # fmt: skip
    require(request.user, "takeback.view")
    qs = selectors.request_list(status=status[:12], method=method[:10], customer_id=customer_id, q=q[:80])
    page = keyset_page(qs.prefetch_related("history"), cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/requests", response={201: TakebackOut}, summary="Open a take-back request for a customer")
def create_request(request, payload: TakebackIn):
    from postventa.catalog.models import Asset
    from postventa.customers.models import Customer

    require(request.user, "takeback.change")
    customer = _get(Customer, payload.customer_id, _("That customer does not exist."))
    asset = _get(Asset, payload.asset_id, _("That asset does not exist.")) if payload.asset_id else None
    req = services.request_create(customer=customer, asset=asset, item_description=payload.item_description,
                                  method=payload.method, address=payload.address, note=payload.note,
                                  acting_user=request.user)  # fmt: skip
    return Status(201, selectors.request_get(req.pk))


@router.get("/requests/{request_id}", response=TakebackOut)
def get_request(request, request_id: int):
    require(request.user, "takeback.view")
    return selectors.request_get(request_id)


@router.post("/requests/{request_id}/status", response=TakebackOut, summary="Move a request one step")
def change_status(request, request_id: int, payload: TransitionIn):
    req = selectors.request_get(request_id)
    services.request_transition(acting_user=request.user, request=req, to_status=payload.status, note=payload.note,
                                scheduled_for=payload.scheduled_for, certificate_number=payload.certificate_number)  # fmt: skip
    return selectors.request_get(request_id)


@router.get("/instructions", response=list[InstructionOut], summary="Disposal instructions per category")
def list_instructions(request):
    require(request.user, "takeback.view")
    return list(selectors.instruction_list())


@router.put("/instructions/{category_id}", response=InstructionOut, summary="Set a category's instructions")
def save_instruction(request, category_id: int, payload: InstructionIn):
    from postventa.catalog.models import Category

    category = _get(Category, category_id, _("That category does not exist."))
    return services.instruction_save(acting_user=request.user, category=category, **payload.dict())
