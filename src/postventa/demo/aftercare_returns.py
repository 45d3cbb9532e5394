"""Demo returns: six returns of recently delivered orders in different statuses (approved, in
transit, inspected and waiting for its refund, partly refunded, credited, rejected), their
refunds, and a goodwill store credit.

Idempotent (nothing is added once any return exists) and silent: the outbox events are marked
done before the demo's transaction commits, so no demo customer is emailed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from postventa.core.models import OutboxEvent

# (reason, resolution, steps after the request)
PLANS = [
    ("changed_mind", "refund", []),
    ("quality", "refund", ["in_transit"]),
    ("damaged", "refund", ["received", "inspect"]),
    ("ordered_wrong", "refund", ["received", "inspect", "refund_part"]),
    ("late_lost", "store_credit", ["received", "inspect", "credit"]),
    ("changed_mind", "refund", ["reject"]),
]


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.returns import services
    from postventa.aftercare.returns.models import ReturnRequest
    from postventa.aftercare.returns.refunds import add_store_credit
    from postventa.orders.models import Order

    users = {u.username: u for u in User.objects.filter(username__in=["agente", "supervisor"])}
    agent, supervisor = users.get("agente"), users.get("supervisor")
    if agent is None or supervisor is None or ReturnRequest.objects.exists():
        return 0
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )
    orders = list(
        Order.objects.filter(
            status="delivered",
            status_changed_at__gte=now - dt.timedelta(days=12),
            status_changed_at__lte=now - dt.timedelta(days=2),
            customer__erased_at__isnull=True,
            customer__merged_into__isnull=True,
        )
        .exclude(customer__email="")
        .select_related("customer")
        .order_by("status_changed_at", "id")[:40]
    )
    added, used = 0, set()
    for order in orders:
        if added == len(PLANS):
            break
        line = order.lines.filter(unit_price__gt=0).order_by("position", "id").first()
        if line is None or order.customer_id in used:
            continue
        reason, resolution, steps = PLANS[added]
        requested = order.status_changed_at + dt.timedelta(hours=20)
        r = services.return_request_create(
            actor=None,
            customer=order.customer,
            order=order,
            lines=[{"order_line_id": line.pk, "quantity": 1}],
            reason=reason,
            reason_detail="",
            resolution=resolution,
            now=requested,
        )
        step_at = requested + dt.timedelta(hours=2)
        if r.status == "requested" and steps:
            services.return_transition(actor=agent, request=r, to_status="approved", now=step_at)
        for step in steps:
            step_at += dt.timedelta(hours=20)
            step_at = min(step_at, now - dt.timedelta(minutes=5))
            if step in ("in_transit", "received"):
                services.return_transition(
                    actor=agent, request=r, to_status=step, carrier="correos", tracking_number=f"PQ{r.pk:06d}ES",
                    now=step_at,
                )  # fmt: skip
            elif step == "inspect":
                services.return_inspect(
                    actor=agent,
                    request=r,
                    lines=[
                        {
                            "line_id": li.pk,
                            "condition": "opened",
                            "restock": True,
                            "accepted": True,
                            "note": "Caja abierta, producto completo.",
                        }
                        for li in r.lines.all()
                    ],  # fmt: skip
                    now=step_at,
                )
            elif step == "refund_part":
                value = (r.requested_value * Decimal("0.5")).quantize(Decimal("0.01"))
                services.return_refund(actor=supervisor, request=r, amount=value, method="original_payment",
                                       reference=f"TPV-{r.pk:05d}", note="Reembolso parcial: falta un accesorio.",
                                       now=step_at)  # fmt: skip
            elif step == "credit":
                services.return_refund(actor=supervisor, request=r, amount=r.requested_value, method="store_credit",
                                       note="Abono en saldo a favor.", now=step_at)  # fmt: skip
            elif step == "reject":
                services.return_transition(actor=agent, request=r, to_status="rejected", now=step_at,
                                           rejection_reason="El producto muestra señales de uso intensivo.")  # fmt: skip
        used.add(order.customer_id)
        added += 1
    if used:
        customer = orders[0].customer
        add_store_credit(actor=supervisor, customer=customer, amount=Decimal("15.00"),
                         note="Gesto comercial por el retraso de la entrega.", now=now - dt.timedelta(days=1))  # fmt: skip
        added += 1
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
