"""Demo repairs: spare parts with stock and seven repairs at different points of the pipeline,
through the services (received, diagnosing, quote sent, approved, in repair with a part used,
repaired under warranty, closed).

Idempotent (parts by SKU, repairs by asset + fault) and silent: the outbox events it creates are
marked done, so no customer is mailed.
"""

from __future__ import annotations

import datetime as dt

from postventa.core.models import OutboxEvent

# SKU, es, en, price, stock, compatible product SKUs
PARTS = [
    (
        "REP-BOMBA-LAV",
        "Bomba de desagüe",
        "Drain pump",
        "34.90",
        6,
        ["LAV-BOS-W8", "LAV-BAL-3TS", "LAV-LG-F4"],
    ),
    ("REP-JUNTA-LAV", "Junta de puerta", "Door seal", "22.50", 3, ["LAV-BOS-W8", "LAV-BAL-3TS", "LAV-LG-F4"]),
    ("REP-TERMO-FRI", "Termostato", "Thermostat", "18.00", 1, ["FRI-SAM-RB", "FRI-TEK-RVF"]),
    ("REP-GRUPO-CAF", "Grupo de café", "Brewing unit", "59.00", 0, ["CAF-DEL-MAG"]),
    ("REP-FUSOR-IMP", "Unidad fusora", "Fuser unit", "79.00", 2, ["IMP-BRO-HL", "IMP-BRO-MFC", "IMP-KYO-EC"]),
]
# status to reach, fault, diagnosis, under warranty, received how many days ago
CASES = [
    ("received", "No enciende desde ayer.", "", False, 1),
    ("diagnosing", "Hace un ruido fuerte al centrifugar.", "Rodamientos del tambor desgastados.", False, 3),
    ("quote_sent", "Pierde agua por la puerta.", "Junta de puerta rota.", False, 5),
    # approved long ago: the demo payment plan that pays for it has instalments already paid
    ("approved", "No desagua el agua del lavado.", "Bomba de desagüe obstruida y dañada.", False, 60),
    ("in_repair", "No enfría la parte de abajo.", "Termostato averiado.", False, 8),
    (
        "repaired",
        "Error E18 al terminar el programa.",
        "Bomba de desagüe defectuosa (defecto de fábrica).",
        True,
        12,
    ),
    ("closed", "La pantalla parpadea.", "Conector suelto.", False, 30),
]


def _quote_lines(part) -> list[dict]:
    lines = [{"kind": "labour", "description": "Mano de obra", "quantity": "1.5", "unit_price": "38.00"}]
    if part is not None:
        lines.insert(0, {"kind": "part", "spare_part_id": part.pk, "quantity": "1", "description": ""})
    return lines


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.repairs import services
    from postventa.aftercare.repairs.models import RepairOrder, SparePart
    from postventa.catalog.models import Asset, Product

    supervisor = User.objects.filter(username="supervisor").first()
    technician = User.objects.filter(username="agente").first() or supervisor
    if supervisor is None:
        return 0
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )
    added = 0
    products = {p.sku: p.pk for p in Product.objects.all().only("pk", "sku")}
    parts = {}
    for sku, es, en, price, stock, compatible in PARTS:
        part = SparePart.objects.filter(sku=sku).first()
        if part is None:
            part = services.spare_part_save(
                actor=supervisor, sku=sku, name_es=es, name_en=en, unit_price=price, stock=stock,
                compatible_product_ids=[products[s] for s in compatible if s in products],
            )  # fmt: skip
            added += 1
        parts[sku] = part
    skus = [s for _sku, *_rest, compatible in PARTS for s in compatible]
    assets = list(
        Asset.objects.filter(product__sku__in=skus, customer__erased_at__isnull=True)
        .exclude(customer__email="")
        .select_related("product", "customer")
        .order_by("id")[: len(CASES)]
    )
    for i, (asset, (status, fault, diagnosis, warranty, days_ago)) in enumerate(
        zip(assets, CASES, strict=False)
    ):
        if RepairOrder.objects.filter(asset=asset, fault=fault).exists():
            continue
        start = now - dt.timedelta(days=days_ago)
        part = next((parts[sku] for sku, *_r, compatible in PARTS if asset.product.sku in compatible), None)
        repair = services.open_repair(
            actor=supervisor, asset=asset, fault=fault, under_warranty=warranty,
            accessories="Cable de alimentación" if i % 2 else "", now=start,
        )  # fmt: skip
        added += 1
        services.assign_technician(actor=supervisor, repair=repair, technician=technician)
        if status == "received":
            continue
        step = start + dt.timedelta(hours=20)
        services.save_diagnosis(actor=technician, repair=repair, diagnosis=diagnosis, now=step)
        services.set_quote(actor=technician, repair=repair, lines=_quote_lines(part), now=step)
        if status == "diagnosing":
            continue
        services.send_quote(actor=technician, repair=repair, now=step + dt.timedelta(hours=1))
        if status == "quote_sent":
            continue
        services.record_quote_decision(
            actor=supervisor,
            repair=repair,
            approve=True,
            comment="Aprobado por teléfono",
            now=step + dt.timedelta(days=1),
        )
        if status == "approved":
            continue
        services.transition_repair(
            actor=technician, repair=repair, to_status="in_repair", now=step + dt.timedelta(days=1, hours=2)
        )
        if part is not None and part.stock > 0:
            services.use_part(
                actor=technician,
                repair=repair,
                spare_part=part,
                quantity=1,
                now=step + dt.timedelta(days=1, hours=3),
            )
            part.refresh_from_db()
        if status == "in_repair":
            continue
        services.complete_repair(
            actor=technician, repair=repair, report=f"Sustituido: {diagnosis} Probado durante un ciclo completo.",
            now=step + dt.timedelta(days=2),
        )  # fmt: skip
        if status == "repaired":
            continue
        services.transition_repair(
            actor=supervisor, repair=repair, to_status="returned", now=step + dt.timedelta(days=3)
        )
        services.transition_repair(
            actor=supervisor, repair=repair, to_status="closed", now=step + dt.timedelta(days=4)
        )
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
