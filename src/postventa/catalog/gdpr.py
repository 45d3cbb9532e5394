"""What the catalog holds about a customer: their registered units (export only; erase keeps them
because warranty and recycling duties outlive the personal data, which lives on the customer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.core.registry import register_gdpr


def export_assets(customer) -> list[dict]:
    from postventa.catalog.models import Asset

    return [
        {
            "sku": a.product.sku,
            "product": a.product.name_es,
            "serial_number": a.serial_number,
            "purchased_on": a.purchased_on.isoformat() if a.purchased_on else None,
            "source": a.source,
            "notes": a.notes,
            "registered_at": a.created_at.isoformat(),
        }
        for a in Asset.objects.select_related("product").filter(customer_id=customer.pk)
    ]


def erase_assets(customer) -> None:
    from postventa.catalog.models import Asset

    # Notes and proofs may carry personal details; the unit itself stays (warranty, recycling).
    for asset in Asset.objects.filter(customer_id=customer.pk).exclude(proof_of_purchase=""):
        asset.proof_of_purchase.delete(save=False)
    Asset.objects.filter(customer_id=customer.pk).update(notes="", proof_of_purchase="")


def render_asset_timeline(entry) -> str:
    return _("Registered unit %(sku)s, serial %(serial)s") % {
        "sku": entry.data["sku"],
        "serial": entry.data["serial"],
    }


def move_assets(source, target) -> int:
    """Merge mover: the duplicate's units now belong to the surviving customer."""
    from postventa.catalog.models import Asset

    return Asset.objects.filter(customer=source).update(customer=target)


def register() -> None:
    register_gdpr("assets", exporter=export_assets, eraser=erase_assets)
    try:
        from postventa.customers.merge import register_merge_mover
    except ImportError:  # pragma: no cover
        return
    register_merge_mover("assets", move_assets)
