import json

import pytest
from pv_orders_helpers import make_order, walk

from postventa.core.models import OutboxEvent
from postventa.orders.models import CarrierInbound, Shipment, ShipmentEvent
from postventa.orders.shipments import shipment_create, sign

SECRET = "carrier-test-secret"
URL = "/api/v1/orders/carrier-events"


@pytest.fixture
def shipment(db, settings):
    settings.CARRIER_WEBHOOK_SECRET = SECRET
    order = walk(make_order(), "paid", "preparing")
    return shipment_create(acting_user=None, order=order, carrier="seur", tracking_number="SEUR123")


def post(client, payload, *, secret=SECRET, raw=None, header=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {}
    if header is not None:
        headers["X-Postventa-Signature"] = header
    elif secret:
        headers["X-Postventa-Signature"] = sign(body, secret)
    return client.generic("POST", URL, body, content_type="application/json", headers=headers)


def event(event_id, code, when, **extra):
    return {
        "carrier": "seur",
        "tracking_number": "SEUR123",
        "event_id": event_id,
        "code": code,
        "occurred_at": when,
        "description": f"{code} desc",
        "location": "Madrid",
        **extra,
    }


def test_signed_event_moves_order_and_is_stored(client, shipment):
    response = post(client, event("e1", "IN_TRANSIT", "2026-11-20T10:00:00+01:00"))
    assert response.status_code == 200
    assert response.json()["status"] == "applied"
    shipment.refresh_from_db()
    assert shipment.status == "shipped"
    assert shipment.order.status == "shipped"
    ev = ShipmentEvent.objects.get(carrier_event_id="e1")
    assert (ev.code, ev.location, ev.applied) == ("IN_TRANSIT", "Madrid", True)
    assert ev.raw["event_id"] == "e1"
    assert CarrierInbound.objects.get().result == "applied"
    assert OutboxEvent.objects.filter(type="shipment.updated", payload__event_code="IN_TRANSIT").count() == 1
    history = list(shipment.order.status_changes.values_list("to_status", "source"))
    assert history[-1] == ("shipped", "carrier")


@pytest.mark.parametrize("header", [None, "", "sha256=deadbeef", "md5=abc"])
def test_unsigned_or_badly_signed_is_401_and_not_stored(client, shipment, header):
    response = post(client, event("e1", "DELIVERED", "2026-11-20T10:00:00Z"), secret=None, header=header)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert CarrierInbound.objects.count() == 0
    assert ShipmentEvent.objects.count() == 0


def test_signature_with_wrong_secret_is_401(client, shipment):
    response = post(client, event("e1", "DELIVERED", "2026-11-20T10:00:00Z"), secret="other-secret")
    assert response.status_code == 401


def test_no_secret_configured_refuses_everything(client, shipment, settings):
    settings.CARRIER_WEBHOOK_SECRET = ""
    response = post(client, event("e1", "DELIVERED", "2026-11-20T10:00:00Z"), secret="")
    assert response.status_code == 401


def test_duplicate_event_is_ignored(client, shipment):
    payload = event("e1", "IN_TRANSIT", "2026-11-20T10:00:00Z")
    assert post(client, payload).json()["status"] == "applied"
    second = post(client, payload)
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert ShipmentEvent.objects.count() == 1
    assert shipment.order.status_changes.filter(to_status="shipped").count() == 1
    assert CarrierInbound.objects.count() == 2  # both raw bodies kept


def test_out_of_order_event_is_recorded_but_does_not_move_back(client, shipment):
    post(client, event("e2", "OUT_FOR_DELIVERY", "2026-11-21T08:00:00Z"))
    late = post(client, event("e1", "IN_TRANSIT", "2026-11-20T10:00:00Z"))
    assert late.json()["status"] == "out_of_order"
    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.order.status == "out_for_delivery"
    assert shipment.status == "out_for_delivery"
    old = ShipmentEvent.objects.get(carrier_event_id="e1")
    assert old.applied is False


def test_skipped_steps_are_walked_and_failed_delivery_can_retry(client, shipment):
    post(client, event("e1", "DELIVERY_FAILED", "2026-11-21T08:00:00Z"))
    shipment.order.refresh_from_db()
    assert shipment.order.status == "delivery_failed"
    post(client, event("e2", "OUT_FOR_DELIVERY", "2026-11-22T08:00:00Z"))
    post(client, event("e3", "DELIVERED", "2026-11-22T12:00:00Z"))
    shipment.order.refresh_from_db()
    assert shipment.order.status == "delivered"
    assert list(shipment.order.status_changes.values_list("to_status", flat=True)) == [
        "pending_payment",
        "paid",
        "preparing",
        "shipped",
        "delivery_failed",
        "out_for_delivery",
        "delivered",
    ]


def test_oversized_payload_is_413(client, shipment):
    body = json.dumps({**event("e1", "IN_TRANSIT", "2026-11-20T10:00:00Z"), "pad": "x" * 300_000}).encode()
    response = post(client, None, raw=body)
    assert response.status_code == 413
    assert ShipmentEvent.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b'{"carrier": "seur"}',
        b'{"events": "x"}',
        json.dumps(event("e1", "X", "yesterday")).encode(),
    ],
)
def test_malformed_body_is_422_and_raw_is_kept(client, shipment, raw):
    response = post(client, None, raw=raw)
    assert response.status_code == 422
    assert response.json()["code"] == "bad_event"
    inbound = CarrierInbound.objects.get()
    assert inbound.result == "invalid"
    assert inbound.body == raw.decode()


def test_unknown_tracking_number_is_kept_as_unmatched(client, shipment):
    response = post(client, {**event("e1", "IN_TRANSIT", "2026-11-20T10:00:00Z"), "tracking_number": "NOPE"})
    assert response.status_code == 200
    assert response.json()["status"] == "unmatched"
    assert CarrierInbound.objects.get().result == "unmatched"


def test_batch_of_events(client, shipment):
    response = post(
        client,
        {
            "events": [
                event("e1", "PICKED_UP", "2026-11-20T10:00:00Z"),
                event("e2", "OUT_FOR_DELIVERY", "2026-11-21T08:00:00Z"),
            ]
        },
    )
    assert response.status_code == 200
    assert [r for r in response.json()["results"]] == ["applied", "applied"]
    assert Shipment.objects.get().status == "out_for_delivery"


def test_unmatched_body_can_be_processed_again_once_the_shipment_exists(client, shipment, admin_user):
    payload = {**event("e1", "IN_TRANSIT", "2026-11-20T10:00:00Z"), "tracking_number": "LATE-1"}
    assert post(client, payload).json()["status"] == "unmatched"
    shipment_create(acting_user=None, order=shipment.order, carrier="seur", tracking_number="LATE-1")
    client.force_login(admin_user)
    inbound = CarrierInbound.objects.get()
    response = client.post(
        "/admin/orders/carrierinbound/", {"action": "reprocess", "_selected_action": [inbound.pk]}
    )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.result == "applied"
    assert ShipmentEvent.objects.filter(carrier_event_id="e1", shipment__tracking_number="LATE-1").exists()
