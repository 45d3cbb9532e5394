"""What the warranties app plugs into the shared registries (events, timeline, panels, GDPR)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


def render_extended_sold(entry) -> str:
    from django.utils.translation import get_language

    name = entry.data.get("name_en") if (get_language() or "es")[:2] == "en" else entry.data.get("name_es")
    return _("Extended warranty bought: %(name)s, until %(date)s") % {
        "name": name or entry.data.get("name_es", ""),
        "date": entry.data["ends_on"],
    }


def asset_panel(asset, user) -> dict | None:
    from postventa.aftercare.warranties.coverage import coverage_for_asset
    from postventa.core.permissions import can

    if not can(user, "warranties.view"):
        return None
    return {"coverage": coverage_for_asset(asset), "can_sell": can(user, "warranties.change")}


CUSTOMER_PANEL_LIMIT = 20


def customer_panel(customer, user) -> dict | None:
    from postventa.aftercare.warranties.coverage import coverages_for_assets
    from postventa.aftercare.warranties.selectors import customer_assets
    from postventa.core.permissions import can

    if not can(user, "warranties.view"):
        return None
    assets = list(customer_assets(customer)[: CUSTOMER_PANEL_LIMIT + 1])
    more = customer.assets.count() - CUSTOMER_PANEL_LIMIT if len(assets) > CUSTOMER_PANEL_LIMIT else 0
    rows = [{"coverage": c} for c in coverages_for_assets(assets[:CUSTOMER_PANEL_LIMIT])]
    return {"rows": rows, "more": more}


def export_customer(customer) -> dict:
    """GDPR export: extended warranties bought and guarantee extensions after repairs."""
    from postventa.aftercare.warranties.models import ExtendedWarranty, GuaranteeExtension

    return {
        "extended_warranties": [
            {
                "serial_number": w.asset.serial_number,
                "name": w.name_es,
                "months": w.months,
                "starts_on": w.starts_on.isoformat(),
                "ends_on": w.ends_on.isoformat(),
                "price": str(w.price) if w.price is not None else None,
                "currency": w.currency,
                "terms_version": w.terms_version.number,
                "bought_at": w.created_at.isoformat(),
            }
            for w in ExtendedWarranty.objects.filter(asset__customer=customer).select_related(
                "asset", "terms_version"
            )
        ],
        "guarantee_extensions": [
            {
                "serial_number": e.asset.serial_number,
                "repair_started_on": e.repair_started_on.isoformat(),
                "repair_completed_on": e.repair_completed_on.isoformat(),
                "suspended_days": e.suspended_days,
                "fault": e.fault,
                "repaired_fault_until": e.repaired_fault_until.isoformat()
                if e.repaired_fault_until
                else None,
            }
            for e in GuaranteeExtension.objects.filter(asset__customer=customer).select_related("asset")
        ],
    }


def register() -> None:
    from postventa.catalog.panels import register_asset_panel
    from postventa.core.events import register_event_type
    from postventa.core.registry import register_gdpr
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_event_type("warranty.extended_sold", _lazy("An extended warranty was sold for a product unit"))
    register_event_type("warranty_terms.published", _lazy("A new version of warranty terms was published"))
    register_event_type(
        "warranty.guarantee_extended",
        _lazy("A repair under guarantee extended a unit's legal guarantee"),
    )
    register_kind("warranty.extended_sold", render_extended_sold, icon="shield")
    # No eraser: these rows hold no personal data of their own and go with the customer's units.
    register_gdpr("warranties", exporter=export_customer)
    register_asset_panel(
        "coverage", _lazy("Warranty coverage"), "console/warranties/_asset_panel.html", asset_panel, order=10
    )
    register_panel(
        "coverage",
        _lazy("Warranty coverage"),
        "console/warranties/_customer_panel.html",
        customer_panel,
        order=30,
    )
