"""Pipeline rules, quote arithmetic and bad input: refused with a clear error, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from repairs_testutil import png_upload

from postventa.aftercare.repairs import services
from postventa.aftercare.repairs.models import TRANSITIONS, QuoteLine, RepairOrder, RepairPhoto, RepairStatus
from postventa.aftercare.repairs.selectors import quote_summary
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "target"),
    [
        ("received", "in_repair"),
        ("received", "closed"),
        ("diagnosing", "in_repair"),  # not under warranty: needs the customer's approval
        ("approved", "returned"),
        ("in_repair", "closed"),
        ("rejected", "in_repair"),
    ],
)
def test_illegal_transitions_refused(make_repair, asset, agent, status, target):
    repair = make_repair(asset, status)
    before = repair.status_changes.count()
    with pytest.raises(ValidationFailed):
        services.transition_repair(actor=agent, repair=repair, to_status=target)
    repair.refresh_from_db()
    assert repair.status == status
    assert repair.status_changes.count() == before


def test_dedicated_steps_cannot_be_forced(make_repair, asset, agent):
    repair = make_repair(asset, "in_repair")
    for target in ("approved", "quote_sent", "repaired"):
        with pytest.raises(ValidationFailed) as exc:
            services.transition_repair(actor=agent, repair=repair, to_status=target)
        assert exc.value.code == "use_dedicated_action"


def test_every_status_is_reachable_and_closed_is_final():
    reachable = {RepairStatus.RECEIVED}
    frontier = [RepairStatus.RECEIVED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(RepairStatus.values)
    assert TRANSITIONS[RepairStatus.CLOSED] == frozenset()


def test_warranty_repair_may_start_without_approval(make_repair, asset, agent):
    repair = make_repair(asset, "diagnosing", under_warranty=True)
    services.transition_repair(actor=agent, repair=repair, to_status="in_repair")
    assert RepairOrder.objects.get(pk=repair.pk).status == "in_repair"


def test_quote_shows_parts_labour_and_vat(make_repair, asset):
    repair = make_repair(asset, "diagnosing")
    q = quote_summary(repair)
    assert q["parts_total"] == Decimal("35.00")
    assert q["labour_total"] == Decimal("60.00")
    assert q["vat"] == Decimal("19.95")
    assert q["total"] == Decimal("114.95") == q["customer_total"]


def test_warranty_quote_is_free_for_the_customer(make_repair, asset):
    repair = make_repair(asset, "diagnosing", under_warranty=True)
    q = quote_summary(repair)
    assert q["total"] == Decimal("114.95")
    assert q["customer_total"] == Decimal("0.00")


@pytest.mark.parametrize(
    "line",
    [
        {"kind": "gift", "description": "x", "quantity": "1", "unit_price": "1"},
        {"kind": "part", "description": "x", "quantity": "0", "unit_price": "1"},
        {"kind": "part", "description": "x", "quantity": "-1", "unit_price": "1"},
        {"kind": "part", "description": "x", "quantity": "1", "unit_price": "-5"},
        {"kind": "labour", "description": "x", "quantity": "abc", "unit_price": "1"},
        {"kind": "labour", "description": "", "quantity": "1", "unit_price": "1"},
        {"kind": "labour", "description": "x", "quantity": "1.005", "unit_price": "1"},
    ],
)
def test_bad_quote_lines_refused_and_old_quote_kept(make_repair, asset, agent, line):
    repair = make_repair(asset, "diagnosing")
    before = list(
        QuoteLine.objects.filter(repair=repair).values_list("description", "quantity", "unit_price")
    )
    good = {"kind": "labour", "description": "ok", "quantity": "1", "unit_price": "10"}
    with pytest.raises(ValidationFailed) as exc:
        services.set_quote(actor=agent, repair=repair, lines=[good, line])
    assert "2" in exc.value.message  # names the bad line
    after = list(QuoteLine.objects.filter(repair=repair).values_list("description", "quantity", "unit_price"))
    assert after == before


def test_quote_locked_after_sending(make_repair, asset, agent):
    repair = make_repair(asset, "quote_sent")
    with pytest.raises(ValidationFailed):
        services.set_quote(actor=agent, repair=repair, lines=[])


def test_send_quote_needs_lines_and_diagnosis(agent, asset):
    repair = services.open_repair(actor=agent, asset=asset, fault="x", under_warranty=False)
    services.transition_repair(actor=agent, repair=repair, to_status="diagnosing")
    with pytest.raises(ValidationFailed):
        services.send_quote(actor=agent, repair=repair)
    services.save_diagnosis(actor=agent, repair=repair, diagnosis="ok")
    with pytest.raises(ValidationFailed) as exc:
        services.send_quote(actor=agent, repair=repair)
    assert exc.value.code == "quote_empty"
    assert not OutboxEvent.objects.filter(type="repair.quote_sent").exists()


def test_complete_needs_a_report(make_repair, asset, agent):
    repair = make_repair(asset, "in_repair")
    with pytest.raises(ValidationFailed):
        services.complete_repair(actor=agent, repair=repair, report="  ")
    assert RepairOrder.objects.get(pk=repair.pk).status == "in_repair"


def test_photo_limits(agent, asset, settings):
    settings.REPAIRS_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as exc:
        services.open_repair(
            actor=agent,
            asset=asset,
            fault="x",
            under_warranty=False,
            photos=[png_upload(data=b"\x89PNG\r\n\x1a\n" + b"0" * 200)],
        )
    assert exc.value.code == "photo_too_large"
    with pytest.raises(ValidationFailed) as exc:
        services.open_repair(
            actor=agent,
            asset=asset,
            fault="x",
            under_warranty=False,
            photos=[png_upload("evil.png", b"<script>alert(1)</script>")],
        )
    assert exc.value.code == "photo_type"
    assert RepairOrder.objects.count() == 0
    assert RepairPhoto.objects.count() == 0


def test_technician_must_be_able_to_work_repairs(make_repair, asset, agent, analyst):
    repair = make_repair(asset, "received")
    with pytest.raises(ValidationFailed):
        services.assign_technician(actor=agent, repair=repair, technician=analyst)
    services.assign_technician(actor=agent, repair=repair, technician=agent)
    assert RepairOrder.objects.get(pk=repair.pk).technician_id == agent.pk


def test_analyst_cannot_change_anything(make_repair, asset, analyst):
    repair = make_repair(asset, "diagnosing")
    with pytest.raises(PermissionDenied):
        services.send_quote(actor=analyst, repair=repair)
    with pytest.raises(PermissionDenied):
        services.transition_repair(actor=analyst, repair=repair, to_status="received")
    assert RepairOrder.objects.get(pk=repair.pk).status == "diagnosing"
