"""Outbox receivers of repairs: tell the customer at each step they can see.

Received, quote ready (with the approval link), repaired and returned. Each runs outside the
outbox transaction (the notification row commits before the SMTP conversation) and is keyed by
repair and step, so a retried or repeated event never mails twice.
"""

from __future__ import annotations

from postventa.core.events import Event, receiver
from postventa.core.outbox import non_atomic


def _repair(event: Event):
    from postventa.aftercare.repairs.models import RepairOrder

    repair = (
        RepairOrder.objects.select_related("customer", "asset__product")
        .filter(pk=event.payload.get("repair_id"))
        .first()
    )
    if repair is None or repair.customer.erased_at:
        return None
    return repair


def _base_context(repair, language: str) -> dict:
    from django.conf import settings
    from django.urls import reverse

    product = repair.asset.product
    product_name = product.name_en if language == "en" and product.name_en else product.name_es
    return {
        "first_name": repair.customer.first_name,
        "number": repair.number,
        "product_name": product_name,
        "serial_number": repair.asset.serial_number,
        "fault": repair.fault,
        "under_warranty": repair.under_warranty,
        "portal_url": f"{settings.BASE_URL}{reverse('portal:repair_detail', kwargs={'number': repair.number})}",
    }


def _send(repair, *, template: str, key: str, extra: dict | None = None) -> None:
    from postventa.notifications.rendering import language_for
    from postventa.notifications.services import notify_customer

    language = language_for(repair.customer)
    notify_customer(
        customer=repair.customer,
        template=template,
        context={**_base_context(repair, language), **(extra or {})},
        idempotency_key=key,
        related=repair,
    )


@receiver("repair.created", key="repairs.notify_received")
@non_atomic
def notify_received(event: Event) -> None:
    repair = _repair(event)
    if repair is not None:
        _send(repair, template="repair_received", key=f"repair:{repair.pk}:received")


@receiver("repair.quote_sent", key="repairs.notify_quote")
@non_atomic
def notify_quote(event: Event) -> None:
    from django.db import transaction

    from postventa.aftercare.repairs import quote_links
    from postventa.aftercare.repairs.selectors import quote_summary
    from postventa.core.money import format_money
    from postventa.notifications.models import Notification
    from postventa.notifications.rendering import language_for

    repair = _repair(event)
    if repair is None:
        return
    version = event.payload.get("quote_version")
    if version != repair.quote_version or repair.status != "quote_sent":
        return  # a newer quote replaced this one (its own event sends it) or it was already answered
    key = f"repair:{repair.pk}:quote:v{version}"
    if Notification.objects.filter(idempotency_key=key).exists():
        # Written on an earlier attempt (with its link): let notify_customer retry that one.
        _send(repair, template="repair_quote", key=key)
        return
    with transaction.atomic():
        token = quote_links.issue(repair)
    language = language_for(repair.customer)
    summary = quote_summary(repair)

    def money(amount):
        return format_money(amount, repair.currency, language)

    lines = [
        {
            "kind": ln.kind,
            "description": ln.spare_part.name_in(language) if ln.spare_part_id else ln.description,
            "quantity": ln.quantity.normalize() if ln.quantity == ln.quantity.to_integral() else ln.quantity,
            "unit_price": money(ln.unit_price),
            "total": money(ln.line_total),
        }
        for ln in summary["lines"]
    ]
    _send(
        repair,
        template="repair_quote",
        key=key,
        extra={
            "diagnosis": repair.diagnosis,
            "lines": lines,
            "parts_total": money(summary["parts_total"]),
            "labour_total": money(summary["labour_total"]),
            "subtotal": money(summary["subtotal"]),
            "vat_rate": summary["vat_rate"].normalize(),
            "vat": money(summary["vat"]),
            "total": money(summary["total"]),
            "customer_total": money(summary["customer_total"]),
            "approval_url": quote_links.url(repair, token),
            "link_days": quote_links.link_days(),
        },
    )


@receiver("repair.completed", key="repairs.notify_ready")
@non_atomic
def notify_ready(event: Event) -> None:
    repair = _repair(event)
    if repair is not None:
        _send(
            repair,
            template="repair_ready",
            key=f"repair:{repair.pk}:ready",
            extra={
                "report": repair.completion_report,
                "guarantee_extended": bool(repair.guarantee_extended_at),
            },
        )


@receiver("repair.status_changed", key="repairs.notify_returned")
@non_atomic
def notify_returned(event: Event) -> None:
    if event.payload.get("to") != "returned":
        return
    repair = _repair(event)
    if repair is not None:
        _send(
            repair,
            template="repair_returned",
            key=f"repair:{repair.pk}:returned",
            extra={"was_repaired": event.payload.get("from") == "repaired"},
        )
