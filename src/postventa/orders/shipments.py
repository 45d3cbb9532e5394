"""Shipments and the carrier tracking webhook.

Carrier webhook body (JSON, UTF-8, at most 256 KB), signed with HMAC-SHA256 of the raw body using
settings.CARRIER_WEBHOOK_SECRET, sent as `X-Postventa-Signature: sha256=<hex>`:

    {"carrier": "seur", "tracking_number": "SEUR123", "event_id": "evt-1", "code": "IN_TRANSIT",
     "description": "...", "location": "Madrid", "occurred_at": "2026-11-25T10:00:00+01:00"}

or {"events": [ {...}, {...} ]} for a batch. Codes map to order statuses in pipeline.CARRIER_CODES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.orders import pipeline
from postventa.orders.models import CarrierInbound, Order, Shipment, ShipmentEvent
from postventa.orders.services import order_change_status

MAX_CARRIER_BODY = 256 * 1024
SIGNATURE_HEADER = "X-Postventa-Signature"


def _shipment_payload(shipment: Shipment) -> dict[str, Any]:
    return {
        "shipment_id": shipment.pk,
        "order_id": shipment.order_id,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
    }


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ValidationFailed(_("The tracking URL must start with http:// or https://."), code="bad_url")
    return url[:500]


@transaction.atomic
def shipment_create(
    *, acting_user, order: Order, carrier: str, tracking_number: str, tracking_url: str = ""
) -> Shipment:
    if acting_user is not None:
        require(acting_user, "orders.change")
    carrier, tracking_number = (carrier or "").strip().lower()[:40], (tracking_number or "").strip()[:80]
    if not carrier or not tracking_number:
        raise ValidationFailed(
            _("A shipment needs a carrier and a tracking number."), code="shipment_incomplete"
        )
    if Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
        raise Conflict(_("That tracking number is already used."), code="duplicate_tracking")
    shipment = Shipment.objects.create(
        order=order, carrier=carrier, tracking_number=tracking_number, tracking_url=_clean_url(tracking_url)
    )
    if acting_user is not None:
        audit.record(actor=acting_user, action="shipment.created", target=shipment)
    emit("shipment.updated", payload=_shipment_payload(shipment), customer_id=order.customer_id)
    return shipment


@transaction.atomic
def shipment_update(
    *, acting_user, shipment: Shipment, tracking_url: str | None = None, tracking_number: str | None = None
) -> Shipment:
    require(acting_user, "orders.change")
    before = audit.snapshot(shipment, ["tracking_url", "tracking_number"])
    if tracking_url is not None:
        shipment.tracking_url = _clean_url(tracking_url)
    if tracking_number is not None:
        tracking_number = tracking_number.strip()[:80]
        if not tracking_number:
            raise ValidationFailed(_("A shipment needs a carrier and a tracking number."))
        clash = Shipment.objects.filter(carrier=shipment.carrier, tracking_number=tracking_number)
        if clash.exclude(pk=shipment.pk).exists():
            raise Conflict(_("That tracking number is already used."), code="duplicate_tracking")
        shipment.tracking_number = tracking_number
    shipment.save()
    after = audit.snapshot(shipment, ["tracking_url", "tracking_number"])
    audit.record(
        actor=acting_user, action="shipment.updated", target=shipment, changes=audit.diff(before, after)
    )
    emit("shipment.updated", payload=_shipment_payload(shipment), customer_id=shipment.order.customer_id)
    return shipment


# --- Carrier webhook ------------------------------------------------------------------------


def signature_valid(body: bytes, header: str | None) -> bool:
    secret = settings.CARRIER_WEBHOOK_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def sign(body: bytes, secret: str) -> str:
    """The header value a carrier sends (used by tests and the docs)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def store_inbound(body: bytes) -> CarrierInbound:
    """Keep the raw body before parsing, in its own transaction, so a parser bug loses nothing."""
    return CarrierInbound.objects.create(body=body.decode("utf-8", errors="replace"))


def _parse_event(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("event must be an object")
    out = {}
    for key in ("carrier", "tracking_number", "event_id", "code"):
        value = item.get(key)
        if not isinstance(value, str | int) or not str(value).strip():
            raise ValueError(f"missing {key}")
        out[key] = str(value).strip()
    out["carrier"] = out["carrier"].lower()[:40]
    out["code"] = out["code"].upper()[:40]
    occurred = parse_datetime(str(item.get("occurred_at") or ""))
    if occurred is None:
        raise ValueError("occurred_at is not an ISO 8601 datetime")
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, dt.UTC)
    out["occurred_at"] = occurred
    out["description"] = str(item.get("description") or "")[:300]
    out["location"] = str(item.get("location") or "")[:200]
    return out


def carrier_webhook_receive(inbound: CarrierInbound) -> dict[str, Any]:
    """Parse and apply a stored carrier body. Returns {"status": ..., "results": [...]}."""
    try:
        data = json.loads(inbound.body)
        items = data["events"] if isinstance(data, dict) and "events" in data else [data]
        if not isinstance(items, list) or not items or len(items) > 500:
            raise ValueError("events must be a non-empty list")
        events = [_parse_event(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        CarrierInbound.objects.filter(pk=inbound.pk).update(
            result=CarrierInbound.Result.INVALID, error=str(exc)[:500]
        )
        raise ValidationFailed(
            _("The carrier event is not valid: %(error)s") % {"error": exc}, code="bad_event"
        )
    results = [
        carrier_event_apply(event=e, raw=raw, inbound=inbound) for e, raw in zip(events, items, strict=True)
    ]
    overall = results[0] if len(results) == 1 else CarrierInbound.Result.APPLIED
    CarrierInbound.objects.filter(pk=inbound.pk).update(result=overall)
    return {"status": overall, "results": results}


@transaction.atomic
def carrier_event_apply(
    *, event: dict[str, Any], raw: dict[str, Any], inbound: CarrierInbound | None = None
) -> str:
    """Record one carrier event; move the order forward unless the event is older than the last."""
    if ShipmentEvent.objects.filter(carrier=event["carrier"], carrier_event_id=event["event_id"]).exists():
        return CarrierInbound.Result.DUPLICATE
    shipment = (
        Shipment.objects.select_for_update()
        .select_related("order")
        .filter(carrier=event["carrier"], tracking_number=event["tracking_number"])
        .first()
    )
    if shipment is None:
        return CarrierInbound.Result.UNMATCHED
    out_of_order = shipment.last_event_at is not None and event["occurred_at"] < shipment.last_event_at
    row = ShipmentEvent(
        shipment=shipment,
        carrier=event["carrier"],
        carrier_event_id=event["event_id"][:120],
        code=event["code"],
        description=event["description"],
        location=event["location"],
        occurred_at=event["occurred_at"],
        raw=raw,
        inbound=inbound,
        applied=not out_of_order,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same event delivered twice at once
        return CarrierInbound.Result.DUPLICATE
    if out_of_order:
        return CarrierInbound.Result.OUT_OF_ORDER
    target = pipeline.CARRIER_CODES.get(event["code"])
    shipment.last_event_at = event["occurred_at"]
    if target:
        shipment.status = target
    shipment.save(update_fields=["last_event_at", "status", "updated_at"])
    if target:
        order = shipment.order
        route = pipeline.path_to(order.status, target) or []
        note = event["description"] or event["code"]
        for step in route:
            # Recorded at our time, not the carrier's: history stays in the order it happened here.
            order_change_status(order=order, to_status=step, source="carrier", note=note)
            order.status = step
    emit(
        "shipment.updated",
        payload={
            **_shipment_payload(shipment),
            "event_code": event["code"],
            "occurred_at": event["occurred_at"],
        },
        customer_id=shipment.order.customer_id,
    )
    return CarrierInbound.Result.APPLIED
