"""The customer's emails about a claim: received, approved with the remedy, rejected, resolved."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def portal_path(claim) -> str:
    try:
        return reverse("portal:claim_detail", args=[claim.number])
    except NoReverseMatch:
        return ""


def notify_claim_step(event_type: str, template: str, payload: dict[str, Any], *, event_id: str) -> None:
    from postventa.aftercare.claims.models import ClaimStatus, Remedy, WarrantyClaim
    from postventa.notifications.services import notify_customer

    claim = (
        WarrantyClaim.objects.select_related("customer", "product", "asset")
        .filter(pk=payload.get("claim_id"))
        .first()
    )
    if claim is None or claim.customer.erased_at:
        return
    remedy = payload.get("remedy") or claim.remedy
    notify_customer(
        customer=claim.customer,
        template=template,
        context={
            "first_name": claim.customer.first_name,
            "claim_number": claim.number,
            "product": claim.product.name,
            "serial_number": claim.asset.serial_number,
            "covered": claim.covered,
            "coverage_sentence": claim.coverage_sentence,
            "status_label": ClaimStatus(payload.get("status") or claim.status).label,
            "remedy": remedy or "",
            "remedy_label": Remedy(remedy).label if remedy in Remedy.values else "",
            "amount": payload.get("amount") or "",
            "currency": payload.get("currency") or "",
            "reason": payload.get("reason") or claim.rejection_reason,
            "resolution": payload.get("note") or claim.resolution_note,
            "claim_path": portal_path(claim),
        },
        idempotency_key=f"claim:{event_type}:{event_id}",
        related=claim,
    )
