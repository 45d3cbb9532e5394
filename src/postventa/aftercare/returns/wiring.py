"""Registrations in shared registries: timeline kinds, the customer 360 panel, GDPR."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STATUS_WORDS = {
    "requested": gettext_lazy("requested"),
    "approved": gettext_lazy("approved"),
    "in_transit": gettext_lazy("in transit"),
    "received": gettext_lazy("received"),
    "inspected": gettext_lazy("inspected"),
    "refunded": gettext_lazy("refunded"),
    "exchanged": gettext_lazy("exchanged"),
    "credited": gettext_lazy("credited"),
    "repaired": gettext_lazy("repaired"),
    "rejected": gettext_lazy("rejected"),
}


def _money(entry) -> str:
    from decimal import Decimal

    from postventa.core.money import format_money

    return format_money(abs(Decimal(entry.data.get("amount") or "0")), entry.data.get("currency") or "EUR")


def _return_status(entry) -> str:
    status = entry.data.get("status", "")
    return _("Return %(number)s %(status)s") % {
        "number": entry.data.get("number", ""),
        "status": STATUS_WORDS.get(status, status),
    }


def customer_panel(customer, user):
    from postventa.aftercare.returns import selectors
    from postventa.aftercare.returns.refunds import store_credit_balance
    from postventa.core.permissions import can

    if not can(user, "returns.view"):
        return None
    return {
        "customer": customer,
        "returns": selectors.returns_of_customer(customer.pk, limit=5),
        "refunds": list(selectors.refund_list(customer_id=customer.pk).order_by("-refunded_at", "-id")[:5]),
        "credit_balance": store_credit_balance(customer),
        "credit_entries": selectors.store_credit_entries(customer.pk, limit=5),
        "can_credit": can(user, "refunds.change"),
    }


def export_returns(customer) -> dict:
    from postventa.aftercare.returns.models import Refund, ReturnRequest, StoreCreditEntry

    returns = ReturnRequest.objects.filter(customer_id=customer.pk).prefetch_related(
        "lines__order_line", "photos"
    )
    return {
        "returns": [
            {
                "number": r.number,
                "order": r.order.number,
                "status": r.status,
                "reason": r.reason.code,
                "reason_detail": r.reason_detail,
                "resolution": r.resolution,
                "requested_at": r.requested_at.isoformat(),
                "lines": [{"sku": li.order_line.sku, "quantity": li.quantity} for li in r.lines.all()],
                "photos": [p.original_name for p in r.photos.all()],
            }
            for r in returns.select_related("order", "reason")
        ],
        "refunds": [
            {
                "amount": str(f.amount),
                "currency": f.currency,
                "method": f.method,
                "refunded_at": f.refunded_at.isoformat(),
            }
            for f in Refund.objects.filter(customer_id=customer.pk)
        ],
        "store_credit": [
            {
                "amount": str(e.amount),
                "currency": e.currency,
                "kind": e.kind,
                "created_at": e.created_at.isoformat(),
            }
            for e in StoreCreditEntry.objects.filter(customer_id=customer.pk)
        ],
    }


def erase_returns(customer) -> None:
    """Free texts and photos are personal data; amounts and lines stay (accounting)."""
    from postventa.aftercare.returns.models import ReturnPhoto, ReturnRequest

    for photo in ReturnPhoto.objects.filter(request__customer_id=customer.pk):
        photo.file.delete(save=False)
        photo.delete()
    ReturnRequest.objects.filter(customer_id=customer.pk).update(reason_detail="", rejection_reason="")


def register() -> None:
    from postventa.core.registry import register_gdpr
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_kind("return.status", _return_status, icon="order")
    register_kind(
        "refund.created", lambda e: _("Refund of %(amount)s recorded") % {"amount": _money(e)}, icon="money"
    )
    register_kind(
        "store_credit.credit",
        lambda e: _("Store credit of %(amount)s added") % {"amount": _money(e)},
        icon="money",
    )
    register_kind(
        "store_credit.spend",
        lambda e: _("Store credit of %(amount)s used") % {"amount": _money(e)},
        icon="money",
    )
    register_panel(
        "returns",
        gettext_lazy("Returns and refunds"),
        "console/returns/_customer_panel.html",
        customer_panel,
        order=40,
    )
    register_gdpr("returns", exporter=export_returns, eraser=erase_returns)
