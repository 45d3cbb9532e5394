"""Demo warranty claims: a handful of units with claims in every status, through the services.

Idempotent (a unit that already has a claim is skipped) and silent: the outbox events these
writes create are marked done before the demo's transaction commits, so nobody is emailed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from postventa.core.models import OutboxEvent

# (days ago filed, symptoms, preferred remedy, where the claim ends up)
PLANS = [
    (1, "La lavadora no centrifuga y muestra el error E21 al final del programa.", "repair", "submitted"),
    (2, "The screen flickers and goes black after ten minutes of use.", "", "submitted"),
    (4, "El mando a distancia no responde aunque he cambiado las pilas.", "replacement", "in_review"),
    (9, "Hace un ruido metálico fuerte al arrancar el motor.", "repair", "repair"),
    (12, "The left earbud stopped charging; the case light does not come on.", "replacement", "replacement"),
    (20, "La carcasa está rota tras una caída; ya no enciende.", "repair", "rejected"),
    (35, "La batería dura menos de una hora desde el primer mes.", "repair", "refund"),
    (60, "El termostato no corta y el agua sale hirviendo.", "repair", "closed"),
]


def _actors():
    from postventa.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=["agente", "supervisor"])}
    return users.get("agente"), users.get("supervisor")


def _finish_repair(claim, agent, step: dt.datetime) -> None:
    """The workshop repairs and returns the unit; the claim follows (receivers do not run in the demo)."""
    from postventa.aftercare.claims import services
    from postventa.aftercare.repairs import services as repairs
    from postventa.aftercare.repairs.models import RepairOrder

    repair = RepairOrder.objects.get(pk=claim.repair_order_id)
    repairs.transition_repair(
        actor=agent, repair=repair, to_status="diagnosing", now=step + dt.timedelta(days=1)
    )
    repairs.transition_repair(
        actor=agent, repair=repair, to_status="in_repair", now=step + dt.timedelta(days=2)
    )
    repairs.complete_repair(actor=agent, repair=repair, report="Termostato sustituido y probado 2 horas.",
                            now=step + dt.timedelta(days=5))  # fmt: skip
    services.on_repair_completed(claim_id=claim.pk, repair_id=repair.pk, now=step + dt.timedelta(days=5))
    repairs.transition_repair(
        actor=agent, repair=repair, to_status="returned", now=step + dt.timedelta(days=7)
    )
    repairs.transition_repair(actor=agent, repair=repair, to_status="closed", now=step + dt.timedelta(days=7))
    services.on_repair_closed(claim_id=claim.pk, repair_id=repair.pk, now=step + dt.timedelta(days=7))


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.aftercare.claims import services
    from postventa.aftercare.claims.models import WarrantyClaim
    from postventa.catalog.models import Asset

    agent, supervisor = _actors()
    if agent is None or supervisor is None:
        return 0
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )
    candidates = list(
        Asset.objects.select_related("customer", "product", "order_line__order")
        .filter(
            order_line__isnull=False, customer__erased_at__isnull=True, customer__merged_into__isnull=True
        )
        .exclude(customer__email="")
        .order_by("id")[:400]
    )
    rng = random.Random(seed + 404)
    rng.shuffle(candidates)
    added = 0
    used_customers: set[int] = set()
    picks = []
    for asset in candidates:
        if len(picks) == len(PLANS):
            break
        if asset.customer_id in used_customers:
            continue
        used_customers.add(asset.customer_id)
        picks.append(asset)
    claimed = set(WarrantyClaim.objects.filter(asset__in=picks).values_list("asset_id", flat=True))
    for asset, (days, symptoms, preferred, outcome) in zip(picks, PLANS, strict=False):
        if asset.pk in claimed:
            continue
        filed = now - dt.timedelta(days=days)
        # Portal claims for most; two filed by the agent on the phone.
        by_staff = outcome in ("in_review", "rejected")
        claim = services.claim_file(
            customer=asset.customer, asset=asset, symptoms=symptoms, preferred_remedy=preferred,
            channel="staff" if by_staff else "portal", actor=agent if by_staff else None, now=filed,
        )  # fmt: skip
        added += 1
        if outcome == "submitted":
            continue
        step = filed + dt.timedelta(hours=3)
        services.claim_start_review(claim=claim, actor=agent, now=step)
        if outcome == "in_review":
            continue
        step += dt.timedelta(hours=20)
        if outcome == "rejected":
            services.claim_reject(
                claim=claim, actor=agent, now=step,
                reason="Las fotos muestran un golpe en la carcasa: los daños por caída no están cubiertos por la garantía.",
            )  # fmt: skip
            continue
        services.claim_approve(claim=claim, actor=agent, now=step)
        step += dt.timedelta(hours=1)
        if outcome in ("repair", "closed"):
            claim = services.claim_choose_remedy(claim=claim, actor=agent, remedy="repair", now=step)
            if outcome == "closed":
                _finish_repair(claim, agent, step)
        elif outcome == "replacement":
            services.claim_choose_remedy(claim=claim, actor=agent, remedy="replacement", now=step)
        elif outcome == "refund":
            line = asset.order_line
            services.claim_choose_remedy(
                claim=claim, actor=supervisor, remedy="price_reduction", now=step,
                grounds=["first_tier_disproportionate"], amount=(line.unit_price / 5).quantize(Decimal("0.01")),
                justification="Sustituir la batería cuesta más que el aparato; el cliente acepta una rebaja del 20 %.",
            )  # fmt: skip
    # Nothing of the demo may reach a customer.
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
