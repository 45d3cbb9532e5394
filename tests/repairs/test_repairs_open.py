"""open_repair: the interface the claims app calls (system actor) and staff intake."""

from __future__ import annotations

import pytest

from postventa.aftercare.repairs import services as svc
from postventa.aftercare.repairs.models import RepairOrder, RepairStatusChange
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_staff_opens_repair_with_number_event_and_timeline(agent, asset):
    repair = svc.open_repair(
        actor=agent, asset=asset, fault="No centrifuga", under_warranty=False, accessories="Cable"
    )

    assert repair.number.startswith("REP-")
    year = repair.number.split("-")[1]
    assert repair.number == f"REP-{year}-000001"
    assert repair.status == "received"
    assert repair.customer_id == asset.customer_id
    assert list(RepairStatusChange.objects.filter(repair=repair).values_list("to_status", flat=True)) == [
        "received"
    ]
    event = OutboxEvent.objects.get(type="repair.created")
    assert event.payload["repair_id"] == repair.pk
    assert event.customer_id == asset.customer_id

    second = svc.open_repair(actor=agent, asset=asset, fault="Ruido", under_warranty=True)
    assert second.number == f"REP-{year}-000002"


def test_system_opens_repair_from_claim(asset):
    repair = svc.open_repair(
        actor=None, asset=asset, fault="Garantía: no enciende", under_warranty=True, claim_id=42
    )

    assert repair.claim_id == 42
    assert repair.under_warranty is True
    assert repair.opened_by is None


def test_analyst_cannot_open_and_nothing_is_written(analyst, asset):
    with pytest.raises(PermissionDenied):
        svc.open_repair(actor=analyst, asset=asset, fault="x", under_warranty=False)
    assert RepairOrder.objects.count() == 0


def test_empty_fault_refused(agent, asset):
    with pytest.raises(ValidationFailed):
        svc.open_repair(actor=agent, asset=asset, fault="   ", under_warranty=False)
    assert RepairOrder.objects.count() == 0
    assert not OutboxEvent.objects.filter(type="repair.created").exists()
