"""What repairs add to shared registries: asset and customer 360 panels, timeline kinds, GDPR."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core.permissions import can


def _asset_panel(asset, user) -> dict | None:
    if not can(user, "repairs.view"):
        return None
    from postventa.aftercare.repairs.models import RepairOrder

    return {
        "repairs": list(RepairOrder.objects.filter(asset=asset).order_by("-created_at", "-id")[:10]),
        "can_change": can(user, "repairs.change"),
    }


def _customer_panel(customer, user) -> dict | None:
    if not can(user, "repairs.view"):
        return None
    from postventa.aftercare.repairs.models import RepairOrder

    plans = []
    if can(user, "plans.view"):
        from postventa.aftercare.payment_plans.models import PaymentPlan

        plans = list(PaymentPlan.objects.filter(customer=customer).order_by("-created_at", "-id")[:5])
    return {
        "repairs": list(
            RepairOrder.objects.filter(customer=customer)
            .select_related("asset__product")
            .order_by("-created_at", "-id")[:10]
        ),
        "plans": plans,
    }


def _export(customer) -> list[dict]:
    from postventa.aftercare.repairs.models import RepairOrder

    out = []
    for r in RepairOrder.objects.filter(customer=customer).prefetch_related("quote_lines", "status_changes"):
        out.append(
            {
                "number": r.number,
                "status": r.status,
                "fault": r.fault,
                "accessories": r.accessories,
                "diagnosis": r.diagnosis,
                "under_warranty": r.under_warranty,
                "quote_comment": r.quote_comment,
                "completion_report": r.completion_report,
                "received_at": r.received_at.isoformat(),
                "quote": [
                    {
                        "kind": ln.kind,
                        "description": ln.description,
                        "quantity": str(ln.quantity),
                        "unit_price": str(ln.unit_price),
                    }
                    for ln in r.quote_lines.all()
                ],
                "history": [
                    {"to": c.to_status, "at": c.occurred_at.isoformat()} for c in r.status_changes.all()
                ],
            }
        )
    return out


def _erase(customer) -> None:
    """Remove the customer's own words and photos; keep the service record (numbers, parts, amounts)."""
    from postventa.aftercare.repairs.models import QuoteToken, RepairOrder, RepairPhoto

    repairs = RepairOrder.objects.filter(customer=customer)
    for photo in RepairPhoto.objects.filter(repair__in=repairs):
        photo.file.delete(save=False)
        photo.delete()
    QuoteToken.objects.filter(repair__in=repairs).delete()
    repairs.update(fault="—", accessories="", quote_comment="")


def _timeline_text(entry) -> str:
    data = entry.data or {}
    if entry.kind == "repair.created":
        return _("Repair %(number)s opened") % {"number": data.get("number", "")}
    return _("Repair %(number)s completed") % {"number": data.get("number", "")}


def register_all() -> None:
    from postventa.catalog.panels import register_asset_panel
    from postventa.core.registry import register_gdpr
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_asset_panel(
        "repairs", gettext_lazy("Repairs"), "console/repairs/_asset_panel.html", _asset_panel, order=40
    )
    register_panel(
        "repairs", gettext_lazy("Repairs"), "console/repairs/_customer_panel.html", _customer_panel, order=60
    )
    register_kind("repair.created", _timeline_text, icon="tool")
    register_kind("repair.completed", _timeline_text, icon="tool")
    register_gdpr("repairs", exporter=_export, eraser=_erase)
