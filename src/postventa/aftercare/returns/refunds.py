"""Refunds and store credit: the money side of returns, claims and anything else.

    record_refund(actor=supervisor, customer=c, amount=Decimal("20.00"), currency="EUR",
                  method="bank_transfer", order=order, source_type="claim", source_id=claim.pk)

A refund never exceeds what remains refundable on its order (the order total minus the refunds
already recorded against it). Store credit is a ledger: `store_credit_balance` sums its entries,
and a spend never takes the balance below zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.aftercare.returns.models import Refund, RefundMethod, StoreCreditEntry
from postventa.core import audit
from postventa.core.errors import ValidationFailed
from postventa.core.events import emit
from postventa.core.money import CENT, format_money, to_money
from postventa.core.permissions import require
from postventa.customers.timeline import timeline_record

MAX_AMOUNT = Decimal("1000000000")


def _clean_amount(amount) -> Decimal:
    try:
        value = to_money(amount)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The amount is not a valid number."), code="bad_amount")
    if value <= 0:
        raise ValidationFailed(_("The amount must be greater than zero."), code="amount_not_positive")
    if value > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is out of range."), code="bad_amount")
    return value


def _clean_currency(currency: str) -> str:
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationFailed(
            _("The currency must be a three-letter code such as EUR."), code="bad_currency"
        )
    return currency


def refunded_on_order(order) -> Decimal:
    """What has been refunded against `order` so far."""
    total = Refund.objects.filter(order=order).aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0).quantize(CENT)


def refundable_remaining(order) -> Decimal:
    """The order total minus the refunds already recorded against it (never negative)."""
    return max(order.total - refunded_on_order(order), Decimal("0.00"))


@transaction.atomic
def record_refund(
    *,
    actor,
    customer,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str = "",
    order=None,
    source_type: str,
    source_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Refund:
    """Record money given back to `customer`; store credit refunds also credit the ledger."""
    require(actor, "refunds.change")
    now = now or timezone.now()
    value = _clean_amount(amount)
    currency = _clean_currency(currency)
    if method not in RefundMethod.values:
        raise ValidationFailed(
            _("“%(method)s” is not a refund method.") % {"method": method}, code="bad_method"
        )
    source_type = (source_type or "").strip()
    if not source_type or len(source_type) > 30:
        raise ValidationFailed(_("A refund needs to say what it is for."), code="source_required")
    if order is not None:
        from postventa.orders.models import Order

        # Lock the order so two refunds at once cannot both take the last euro.
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.customer_id != customer.pk:
            raise ValidationFailed(
                _("That order belongs to another customer."), code="order_customer_mismatch"
            )
        if order.currency != currency:
            raise ValidationFailed(
                _("The order was paid in %(order)s, not %(currency)s.")
                % {"order": order.currency, "currency": currency},
                code="currency_mismatch",
            )
        remaining = refundable_remaining(order)
        if value > remaining:
            raise ValidationFailed(
                _(
                    "%(amount)s is more than what remains refundable on order %(number)s: "
                    "%(remaining)s (total %(total)s, already refunded %(refunded)s)."
                )
                % {
                    "amount": format_money(value, currency),
                    "number": order.number,
                    "remaining": format_money(remaining, currency),
                    "total": format_money(order.total, currency),
                    "refunded": format_money(order.total - remaining, currency),
                },
                code="refund_exceeds_remaining",
                extra={"remaining": str(remaining)},
            )
    refund = Refund.objects.create(
        customer=customer,
        order=order,
        amount=value,
        currency=currency,
        method=method,
        reference=(reference or "").strip()[:120],
        source_type=source_type,
        source_id=int(source_id),
        reason=(reason or "").strip()[:500],
        refunded_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if method == RefundMethod.STORE_CREDIT:
        _ledger_write(
            actor=actor,
            customer=customer,
            kind=StoreCreditEntry.Kind.CREDIT,
            amount=value,
            currency=currency,
            source_type="refund",
            source_id=refund.pk,
            note=reason,
            now=now,
        )
    audit.record(
        actor=actor,
        action="refund.created",
        target=refund,
        changes={
            "amount": str(value),
            "currency": currency,
            "method": method,
            "source": f"{source_type}:{source_id}",
        },
    )
    timeline_record(
        customer_id=customer.pk,
        kind="refund.created",
        summary=f"{value} {currency}",
        data={
            "amount": str(value),
            "currency": currency,
            "method": method,
            "order": getattr(order, "number", ""),
        },
        source=("refund", refund.pk),
        actor=actor,
        occurred_at=now,
    )
    emit(
        "refund.created",
        payload={
            "refund_id": refund.pk,
            "customer_id": customer.pk,
            "order_id": getattr(order, "pk", None),
            "amount": str(value),
            "currency": currency,
            "method": method,
            "reference": refund.reference,
            "source_type": source_type,
            "source_id": refund.source_id,
        },
        customer_id=customer.pk,
        actor_id=getattr(actor, "pk", None),
    )
    return refund


def store_credit_balance(customer, *, currency: str = "EUR") -> Decimal:
    """The sum of the customer's store credit entries in `currency`."""
    customer_id = getattr(customer, "pk", customer)
    total = StoreCreditEntry.objects.filter(customer_id=customer_id, currency=currency).aggregate(
        s=Sum("amount")
    )["s"]
    return Decimal(total or 0).quantize(CENT)


def _lock_customer(customer):
    from postventa.customers.models import Customer

    return Customer.objects.select_for_update().get(pk=customer.pk)


def _ledger_write(
    *, actor, customer, kind, amount, currency, source_type, source_id, note, now
) -> StoreCreditEntry:
    entry = StoreCreditEntry.objects.create(
        customer=customer,
        kind=kind,
        amount=amount if kind == StoreCreditEntry.Kind.CREDIT else -amount,
        currency=currency,
        source_type=(source_type or "")[:30],
        source_id=source_id,
        note=(note or "").strip()[:300],
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    timeline_record(
        customer_id=customer.pk,
        kind=f"store_credit.{kind}",
        summary=f"{entry.amount} {currency}",
        data={"amount": str(amount), "currency": currency, "note": entry.note},
        source=("store_credit", entry.pk),
        actor=actor,
        occurred_at=now,
    )
    return entry


@transaction.atomic
def add_store_credit(
    *,
    actor,
    customer,
    amount: Decimal,
    currency: str = "EUR",
    source_type: str = "manual",
    source_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> StoreCreditEntry:
    """Credit the customer's store credit (a goodwill gesture, a return credited...)."""
    require(actor, "refunds.change")
    value = _clean_amount(amount)
    currency = _clean_currency(currency)
    customer = _lock_customer(customer)
    entry = _ledger_write(
        actor=actor,
        customer=customer,
        kind=StoreCreditEntry.Kind.CREDIT,
        amount=value,
        currency=currency,
        source_type=source_type,
        source_id=source_id,
        note=note,
        now=now or timezone.now(),
    )
    audit.record(actor=actor, action="store_credit.added", target=customer, changes={"amount": str(value)})
    return entry


@transaction.atomic
def spend_store_credit(
    *,
    actor,
    customer,
    amount: Decimal,
    currency: str = "EUR",
    source_type: str = "manual",
    source_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> StoreCreditEntry:
    """Use part of the customer's store credit; refuses to go below zero."""
    require(actor, "refunds.change")
    value = _clean_amount(amount)
    currency = _clean_currency(currency)
    customer = _lock_customer(customer)
    balance = store_credit_balance(customer, currency=currency)
    if value > balance:
        raise ValidationFailed(
            _("%(amount)s is more than the customer's store credit of %(balance)s.")
            % {"amount": format_money(value, currency), "balance": format_money(balance, currency)},
            code="store_credit_insufficient",
        )
    entry = _ledger_write(
        actor=actor,
        customer=customer,
        kind=StoreCreditEntry.Kind.SPEND,
        amount=value,
        currency=currency,
        source_type=source_type,
        source_id=source_id,
        note=note,
        now=now or timezone.now(),
    )
    audit.record(actor=actor, action="store_credit.spent", target=customer, changes={"amount": str(value)})
    return entry
