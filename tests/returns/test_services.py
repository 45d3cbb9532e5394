"""Return services: opening, auto-approval, the status machine, inspection, partial refunds, exchange."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from postventa.aftercare.returns import services
from postventa.aftercare.returns.models import (
    Refund,
    ReturnLine,
    ReturnPolicy,
    ReturnRequest,
    ReturnStatusChange,
)
from postventa.aftercare.returns.refunds import store_credit_balance
from postventa.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent


@pytest.fixture
def order(customer, make_order):
    # 2 x KETTLE at 25.00, 3 x MUG at 8.00, shipping 5.00: total 79.00; delivered 3 days ago
    return make_order(customer, delivered=timezone.now() - dt.timedelta(days=3))


def _lines(order, **quantities):
    by_sku = {line.sku: line for line in order.lines.all()}
    return [{"order_line_id": by_sku[sku].pk, "quantity": q} for sku, q in quantities.items()]


def _open(customer, order, actor=None, **quantities):
    return services.return_request_create(
        actor=actor,
        customer=customer,
        order=order,
        lines=_lines(order, **(quantities or {"KETTLE-1": 1})),
        reason="changed_mind",
    )


def _counts():
    return (
        ReturnRequest.objects.count(),
        ReturnLine.objects.count(),
        OutboxEvent.objects.count(),
        Refund.objects.count(),
    )


def test_a_small_withdrawal_is_numbered_and_approved_automatically(customer, order):
    request = _open(customer, order)
    assert request.number == f"RMA-{timezone.now().year}-000001"
    assert request.status == "approved" and request.auto_approved
    assert request.is_withdrawal and request.requested_value == Decimal("25.00")
    assert request.shipping_paid_by == "customer"
    assert request.refund_due_by - request.requested_at == dt.timedelta(days=14)
    types = list(OutboxEvent.objects.order_by("occurred_at").values_list("type", flat=True))
    assert types[-2:] == ["return.requested", "return.approved"]
    assert _open(customer, order, **{"MUG-1": 1}).number.endswith("000002")


def test_above_the_auto_approval_amount_it_waits_for_an_agent(customer, order):
    ReturnPolicy.objects.filter(is_active=True).update(auto_approve_max_amount=Decimal("20.00"))
    request = _open(customer, order)
    assert request.status == "requested" and not request.auto_approved


def test_damaged_goods_travel_back_at_the_business_cost(customer, order):
    request = services.return_request_create(
        actor=None, customer=customer, order=order, lines=_lines(order, **{"MUG-1": 1}), reason="damaged"
    )
    assert request.shipping_paid_by == "business"


def test_quantities_above_what_was_bought_minus_returned_are_refused_and_nothing_is_written(customer, order):
    _open(customer, order, **{"MUG-1": 2})
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _open(customer, order, **{"MUG-1": 2})
    assert "como máximo 1" in exc.value.message and "compradas 3" in exc.value.message
    assert _counts() == before


def test_a_return_outside_the_window_is_refused_with_the_reason(customer, make_order):
    order = make_order(customer, delivered=timezone.now() - dt.timedelta(days=40))
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _open(customer, order)
    assert exc.value.code == "not_returnable"
    assert "terminó el" in exc.value.message
    assert _counts() == before


def test_another_customers_order_is_not_found(customer, other_customer, order):
    with pytest.raises(NotFound):
        _open(other_customer, order)


def test_a_rejected_return_frees_its_units_again(customer, order, agent):
    ReturnPolicy.objects.filter(is_active=True).update(auto_approve=False)
    request = _open(customer, order, **{"MUG-1": 3})
    with pytest.raises(ValidationFailed):
        services.return_transition(actor=agent, request=request, to_status="rejected")
    services.return_transition(
        actor=agent, request=request, to_status="rejected", rejection_reason="Used item"
    )
    assert _open(customer, order, **{"MUG-1": 3}).lines.get().quantity == 3


def test_illegal_transitions_are_refused(customer, order, agent):
    request = _open(customer, order)  # approved
    with pytest.raises(Conflict):
        services.return_transition(actor=agent, request=request, to_status="requested")
    services.return_transition(actor=agent, request=request, to_status="received")
    with pytest.raises(ValidationFailed):
        services.return_transition(actor=agent, request=request, to_status="refunded")
    request.refresh_from_db()
    assert request.status == "received"


def test_full_flow_with_partial_refunds(customer, order, agent, supervisor):
    request = _open(customer, order, **{"KETTLE-1": 2, "MUG-1": 1})  # 58.00
    request.refresh_from_db()
    assert request.requested_value == Decimal("58.00")
    services.return_transition(
        actor=agent, request=request, to_status="in_transit", carrier="SEUR", tracking_number="X1"
    )
    services.return_transition(actor=agent, request=request, to_status="received")
    kettle, mug = request.lines.order_by("id")
    services.return_inspect(
        actor=agent,
        request=request,
        lines=[
            {
                "line_id": kettle.pk,
                "condition": "as_new",
                "restock": True,
                "accepted": True,
                "note": "Perfect",
            },
            {
                "line_id": mug.pk,
                "condition": "damaged",
                "restock": False,
                "accepted": False,
                "note": "Chipped",
            },
        ],
    )
    # the agent may not refund
    with pytest.raises(PermissionDenied):
        services.return_refund(actor=agent, request=request, amount="10.00")
    # above the accepted value (50.00) is refused, nothing written
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.return_refund(actor=supervisor, request=request, amount="50.01")
    assert exc.value.code == "refund_exceeds_return"
    assert _counts() == before
    services.return_refund(
        actor=supervisor, request=request, amount="30.00", method="bank_transfer", reference="TR-9"
    )
    request.refresh_from_db()
    assert request.status == "refunded" and request.refunded_total == Decimal("30.00")
    services.return_refund(actor=supervisor, request=request, amount="20.00", method="store_credit")
    request.refresh_from_db()
    assert request.refunded_total == Decimal("50.00")
    assert store_credit_balance(customer) == Decimal("20.00")
    with pytest.raises(ValidationFailed):
        services.return_refund(actor=supervisor, request=request, amount="0.01")
    assert list(ReturnStatusChange.objects.filter(request=request).values_list("to_status", flat=True)) == [
        "requested", "approved", "in_transit", "received", "inspected", "refunded",
    ]  # fmt: skip
    assert OutboxEvent.objects.filter(type="return.closed").count() == 1
    assert OutboxEvent.objects.filter(type="refund.created").count() == 2


def test_exchange_creates_a_replacement_order(customer, order, agent):
    request = _open(customer, order, **{"MUG-1": 2})
    services.return_transition(actor=agent, request=request, to_status="received")
    line = request.lines.get()
    services.return_inspect(
        actor=agent, request=request, lines=[{"line_id": line.pk, "condition": "opened", "restock": True}]
    )
    services.return_exchange(actor=agent, request=request)
    request.refresh_from_db()
    assert request.status == "exchanged"
    new = request.exchange_order
    assert new.number == f"{request.number}-X" and new.total == Decimal("0.00")
    assert [(li.sku, li.quantity) for li in new.lines.all()] == [("MUG-1", 2)]


def test_policy_settings_need_returns_manage_and_keep_the_legal_minimum(agent, supervisor):
    policy = ReturnPolicy.objects.get(is_active=True)
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=agent, policy=policy, business_window_days=60)
    with pytest.raises(ValidationFailed):
        services.policy_update(actor=supervisor, policy=policy, withdrawal_days=10)
    services.policy_update(actor=supervisor, policy=policy, business_window_days=60)
    policy.refresh_from_db()
    assert (policy.withdrawal_days, policy.business_window_days) == (14, 60)
