"""REST endpoints of orders (mounted at /api/v1/orders). Thin: parse, call one service, map."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.core.permissions import require
from postventa.orders import importing, pipeline, selectors, services, shipments
from postventa.orders.models import Order, Shipment
from postventa.orders.schemas import (
    ImportIn,
    ImportOrderIn,
    ImportOut,
    OrderDetailOut,
    OrderIn,
    OrderPage,
    ShipmentIn,
    ShipmentOut,
    ShipmentPatch,
    StatusIn,
)

router = Router(tags=["orders"])


def _detail(order_id: int) -> dict:
    order = selectors.order_detail(order_id)
    if order is None:
        raise NotFound(_("That order does not exist."))
    data = {f: getattr(order, f) for f in OrderDetailOut.model_fields if hasattr(order, f)}
    data.update(
        allowed_next=order.next_statuses,
        lines=list(order.lines.all()),
        shipments=[
            {
                **{f: getattr(s, f) for f in ShipmentOut.model_fields if f != "events"},
                "events": list(s.events.all()),
            }
            for s in order.shipments.all()
        ],
        history=[
            {
                "from_status": h.from_status,
                "to_status": h.to_status,
                "source": h.source,
                "who": h.who,
                "note": h.note,
                "occurred_at": h.occurred_at,
            }
            for h in order.status_changes.all()
        ],
    )
    return data


@router.get("", response=OrderPage)
def order_list(
    request,
    status: str = "",
    customer_id: int | None = None,
    placed_after: dt.datetime | None = None,
    placed_before: dt.datetime | None = None,
    q: str = "",
    cursor: str | None = None,
    page_size: int = Query(None),
):
    require(request.user, "orders.view")
    if status and status not in pipeline.STATUSES:
        raise ValidationFailed(
            _("“%(status)s” is not an order status.") % {"status": status[:40]}, code="unknown_status"
        )
    qs = selectors.order_list(
        status=status, customer_id=customer_id, placed_after=placed_after, placed_before=placed_before, q=q
    )
    page = keyset_page(
        qs, cursor=cursor, page_size=page_size or settings.API_PAGE_SIZE, order_field="placed_at"
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("", response={201: OrderDetailOut})
def order_create(request, body: OrderIn):
    from postventa.customers.models import Customer

    require(request.user, "orders.change")
    customer = Customer.objects.filter(pk=body.customer_id).first()
    if customer is None:
        raise ValidationFailed(_("That customer does not exist."), code="bad_customer")
    data = body.dict()
    data.pop("customer_id")
    lines = [dict(line) for line in data.pop("lines")]
    order = services.order_create(
        acting_user=request.user, customer=customer, lines=lines, source="api", **data
    )
    return Status(201, _detail(order.pk))


@router.post("/import", response=ImportOut)
def order_import(request, body: ImportIn):
    """Idempotent upsert by order_external_id; a bad order writes nothing unless skip_invalid."""
    require(request.user, "orders.import")
    items = [o.dict() for o in body.orders]
    result = importing.import_items(items, acting_user=request.user, skip_invalid=body.skip_invalid)
    if result.errors and not result.written:
        raise ValidationFailed(
            _("Nothing was imported: %(n)s orders have errors.")
            % {"n": len({e["row"] for e in result.errors})},
            code="import_failed",
            extra={"errors": result.errors},
        )
    return result.as_dict()


@router.post("/upsert", response=OrderDetailOut)
def order_upsert(request, body: ImportOrderIn):
    """Create or update one order by order_external_id (the import's columns, lines as a list)."""
    require(request.user, "orders.import")
    result = importing.import_items([body.dict()], acting_user=request.user)
    if not result.written:
        raise ValidationFailed(
            result.errors[0]["message"] if result.errors else _("The order is not valid."),
            code="invalid_order",
            extra={"errors": result.errors},
        )
    order = Order.objects.only("pk").get(external_id=body.order_external_id.strip())
    return _detail(order.pk)


@router.post("/carrier-events", auth=None, include_in_schema=True)
def carrier_events(request):
    """Carrier tracking webhook: HMAC-SHA256 of the raw body in X-Postventa-Signature: sha256=<hex>."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > shipments.MAX_CARRIER_BODY:
        return JsonResponse(
            {"detail": _("The payload is too large."), "code": "payload_too_large"}, status=413
        )
    body = request.body
    if len(body) > shipments.MAX_CARRIER_BODY:
        return JsonResponse(
            {"detail": _("The payload is too large."), "code": "payload_too_large"}, status=413
        )
    if not shipments.signature_valid(body, request.headers.get(shipments.SIGNATURE_HEADER)):
        return JsonResponse({"detail": _("Missing or wrong signature."), "code": "bad_signature"}, status=401)
    inbound = shipments.store_inbound(body)
    result = shipments.carrier_webhook_receive(inbound)
    return JsonResponse(result, status=200)


@router.get("/{order_id}", response=OrderDetailOut)
def order_detail(request, order_id: int):
    require(request.user, "orders.view")
    return _detail(order_id)


@router.post("/{order_id}/status", response=OrderDetailOut)
def order_status(request, order_id: int, body: StatusIn):
    require(request.user, "orders.change")
    order = services.get_order(order_id)
    services.order_change_status(
        order=order, to_status=body.status, acting_user=request.user, source="api", note=body.note
    )
    return _detail(order_id)


@router.post("/{order_id}/shipments", response={201: ShipmentOut})
def shipment_create(request, order_id: int, body: ShipmentIn):
    require(request.user, "orders.change")
    order = services.get_order(order_id)
    shipment = shipments.shipment_create(acting_user=request.user, order=order, **body.dict())
    return Status(
        201, {**{f: getattr(shipment, f) for f in ShipmentOut.model_fields if f != "events"}, "events": []}
    )


@router.patch("/{order_id}/shipments/{shipment_id}", response=ShipmentOut)
def shipment_update(request, order_id: int, shipment_id: int, body: ShipmentPatch):
    require(request.user, "orders.change")
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id, order_id=order_id).first()
    if shipment is None:
        raise NotFound(_("That shipment does not exist."))
    shipment = shipments.shipment_update(
        acting_user=request.user, shipment=shipment, **body.dict(exclude_unset=True)
    )
    return {
        **{f: getattr(shipment, f) for f in ShipmentOut.model_fields if f != "events"},
        "events": list(shipment.events.all()),
    }
