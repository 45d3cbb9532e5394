"""Refunds and the store credit ledger: arithmetic, limits, permissions, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from postventa.aftercare.returns.models import Refund, StoreCreditEntry
from postventa.aftercare.returns.refunds import (
    add_store_credit,
    record_refund,
    refundable_remaining,
    spend_store_credit,
    store_credit_balance,
)
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry, OutboxEvent


def _refund(actor, customer, order, amount, method="bank_transfer"):
    return record_refund(
        actor=actor,
        customer=customer,
        amount=Decimal(amount),
        currency="EUR",
        method=method,
        reference="TR-1",
        order=order,
        source_type="claim",
        source_id=7,
    )


def test_partial_refunds_add_up_to_the_order_total_and_no_further(supervisor, customer, make_order):
    # given an order of 2 x 25 + 3 x 8 + 5 shipping = 79.00
    order = make_order(customer)
    assert order.total == Decimal("79.00")
    # when two partial refunds are recorded
    _refund(supervisor, customer, order, "30.00")
    _refund(supervisor, customer, order, "40.50")
    # then what remains is the difference, and one cent more is refused with the reason
    assert refundable_remaining(order) == Decimal("8.50")
    before = Refund.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _refund(supervisor, customer, order, "8.51")
    assert exc.value.code == "refund_exceeds_remaining"
    assert "8,50" in exc.value.message
    assert Refund.objects.count() == before
    _refund(supervisor, customer, order, "8.50")
    assert refundable_remaining(order) == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-1.00", "abc"])
def test_an_amount_that_is_not_positive_is_refused(supervisor, customer, make_order, amount):
    order = make_order(customer)
    with pytest.raises(ValidationFailed):
        _refund(supervisor, customer, order, amount) if amount != "abc" else record_refund(
            actor=supervisor,
            customer=customer,
            amount=amount,
            currency="EUR",
            method="cash",
            order=order,
            source_type="claim",
            source_id=1,
        )
    assert Refund.objects.count() == 0
    assert not OutboxEvent.objects.filter(type="refund.created").exists()


def test_an_agent_cannot_record_a_refund(agent, customer, make_order):
    order = make_order(customer)
    with pytest.raises(PermissionDenied):
        _refund(agent, customer, order, "10.00")
    assert Refund.objects.count() == 0


def test_refund_writes_audit_event_and_store_credit(supervisor, customer, make_order):
    order = make_order(customer)
    refund = _refund(supervisor, customer, order, "12.00", method="store_credit")
    assert AuditEntry.objects.filter(action="refund.created", target_id=str(refund.pk)).count() == 1
    event = OutboxEvent.objects.get(type="refund.created")
    assert event.payload["amount"] == "12.00" and event.payload["source_type"] == "claim"
    assert store_credit_balance(customer) == Decimal("12.00")
    assert StoreCreditEntry.objects.get().source_id == refund.pk


def test_a_refund_against_another_customers_order_is_refused(
    supervisor, customer, other_customer, make_order
):
    order = make_order(other_customer)
    with pytest.raises(ValidationFailed):
        _refund(supervisor, customer, order, "1.00")


def test_store_credit_ledger_never_goes_below_zero(supervisor, customer):
    add_store_credit(actor=supervisor, customer=customer, amount=Decimal("20.00"), note="goodwill")
    spend_store_credit(actor=supervisor, customer=customer, amount=Decimal("15.00"))
    assert store_credit_balance(customer) == Decimal("5.00")
    with pytest.raises(ValidationFailed) as exc:
        spend_store_credit(actor=supervisor, customer=customer, amount=Decimal("5.01"))
    assert exc.value.code == "store_credit_insufficient"
    assert StoreCreditEntry.objects.count() == 2
    assert store_credit_balance(customer) == Decimal("5.00")
