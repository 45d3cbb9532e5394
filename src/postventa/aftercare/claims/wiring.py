"""What claims adds to other apps' pages and registries (called from ClaimsConfig.ready()).

Customer 360, asset and product panels; the timeline sentence for filed claims; GDPR export,
erase and the legal hold of a claim still open.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core.permissions import can

PANEL_ROWS = 8


def _customer_panel(customer, user):
    if not can(user, "claims.view"):
        return None
    from postventa.aftercare.claims import selectors

    qs = selectors.claim_list(customer_id=customer.pk)
    return {"claims": list(qs.order_by("-filed_at", "-id")[:PANEL_ROWS]), "total": qs.count(),
            "open": qs.filter(status__in=selectors.OPEN_STATUSES).count()}  # fmt: skip


def _asset_panel(asset, user):
    if not can(user, "claims.view"):
        return None
    from postventa.aftercare.claims import selectors

    return {"claims": list(selectors.claim_list(asset_id=asset.pk).order_by("-filed_at", "-id")[:PANEL_ROWS])}


def _product_panel(product, user):
    if not can(user, "claims.view"):
        return None
    import datetime as dt

    from django.utils import timezone

    from postventa.aftercare.claims import selectors

    end = timezone.localdate()
    start = end - dt.timedelta(days=365)
    rows = selectors.claim_rate(start=start, end=end, product_id=product.pk)
    recent = list(selectors.claim_list(product_id=product.pk).order_by("-filed_at", "-id")[:5])
    return {"rate": rows[0] if rows else None, "recent": recent, "start": start, "end": end}


def _timeline_filed(entry) -> str:
    return _("Filed warranty claim %(number)s (%(product)s)") % {
        "number": entry.data.get("number", ""),
        "product": entry.data.get("product", ""),
    }


def export_claims(customer) -> list[dict]:
    from postventa.aftercare.claims.models import WarrantyClaim

    rows = (
        WarrantyClaim.objects.filter(customer_id=customer.pk)
        .select_related("product", "asset")
        .prefetch_related("photos", "history")
    )
    return [
        {
            "number": c.number,
            "product": c.product.sku,
            "serial_number": c.asset.serial_number,
            "filed_at": c.filed_at.isoformat(),
            "status": c.status,
            "symptoms": c.symptoms,
            "covered": c.covered,
            "coverage": c.coverage_snapshot,
            "remedy": c.remedy,
            "rejection_reason": c.rejection_reason,
            "photos": [p.filename for p in c.photos.all()],
            "history": [
                {"action": h.action, "to": h.to_status, "at": h.occurred_at.isoformat(), "note": h.note}
                for h in c.history.all()
                if h.public
            ],
        }
        for c in rows
    ]


def erase_claims(customer) -> None:
    from postventa.aftercare.claims.models import ClaimPhoto, WarrantyClaim

    # The claim stays (a warranty record with its decision and remedy); the customer's words and photos go.
    for photo in ClaimPhoto.objects.filter(claim__customer_id=customer.pk):
        photo.file.delete(save=False)
        photo.delete()
    WarrantyClaim.objects.filter(customer_id=customer.pk).update(symptoms="—", coverage_sentence="")


def hold_open_claim(customer) -> str | None:
    from postventa.aftercare.claims.models import WarrantyClaim
    from postventa.aftercare.claims.selectors import OPEN_STATUSES

    number = (
        WarrantyClaim.objects.filter(customer_id=customer.pk, status__in=OPEN_STATUSES)
        .values_list("number", flat=True)
        .first()
    )
    if number:
        return _("Warranty claim %(number)s is still open.") % {"number": number}
    return None


def register_all() -> None:
    from postventa.catalog.panels import register_asset_panel, register_product_panel
    from postventa.core.registry import register_gdpr
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_panel("claims", gettext_lazy("Warranty claims"), "console/claims/_customer_panel.html",
                   _customer_panel, order=40)  # fmt: skip
    register_asset_panel("claims", gettext_lazy("Warranty claims"), "console/claims/_asset_panel.html",
                         _asset_panel, order=20)  # fmt: skip
    register_product_panel("claims", gettext_lazy("Warranty claims"), "console/claims/_product_panel.html",
                           _product_panel, order=20)  # fmt: skip
    register_kind("claim.filed", _timeline_filed, icon="box")
    register_gdpr("claims", exporter=export_claims, eraser=erase_claims, hold=hold_open_claim)
