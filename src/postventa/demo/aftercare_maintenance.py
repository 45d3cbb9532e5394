"""Demo maintenance: plans for the demo products with maintenance, their reminders, two booked visits
and a safety recall, through the services.

Idempotent (a product with a plan, a notice with the same subject, an asset with a visit are
skipped; the scheduler's unique key adds no reminder twice) and silent: outbox events are marked
done, reminders already due are recorded as sent on their date without an email, and the recall's
deliveries are recorded as not emailed (demo data), so nobody is contacted.
"""

from __future__ import annotations

import datetime as dt

from postventa.core.models import OutboxEvent

# SKU -> (consumables [(es, en, months)], failure points [(es, en, months, message es, message en)], service es, en)
PLANS = {
    "LAV-BOS-W8": ([("Filtro de la bomba", "Pump filter", 6)],
                   [("Bomba de desagüe", "Drain pump", 18, "Limpie el filtro de la bomba para evitar atascos.",
                     "Clean the pump filter to avoid blockages.")],
                   "Revisión de rodamientos, juntas y limpieza del tambor.", "Bearings, seals and drum cleaning check."),
    "LAV-LG-F4": ([("Descalcificador", "Descaler", 6)], [], "Revisión general y descalcificación.", "General check and descaling."),
    "FRI-SAM-RB": ([("Filtro de agua", "Water filter", 6)], [], "Limpieza del condensador y revisión de gas.",
                   "Condenser cleaning and gas check."),
    "CAF-DEL-MAG": ([("Filtro de agua", "Water filter", 2), ("Descalcificador", "Descaler", 3)],
                    [("Grupo de café", "Brewing unit", 12, "Lave el grupo de café con agua tibia cada semana.",
                      "Rinse the brewing unit with lukewarm water every week.")], "", ""),
    "IMP-BRO-MFC": ([("Tóner", "Toner", 6)], [("Tambor", "Drum", 24, "El tambor suele agotarse a los dos años: tenga uno de repuesto.",
                                               "The drum usually wears out after two years: keep a spare.")], "", ""),
    "AAC-DAI-SEN": ([("Filtros de aire", "Air filters", 3)], [], "Limpieza de filtros y revisión del circuito.",
                    "Filter cleaning and circuit check."),
}  # fmt: skip
RECALL_SKU = "LAV-BOS-W8"
RECALL_SUBJECT = "Revisión de seguridad de la manguera de entrada"


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.maintenance import notices, schedule, services
    from postventa.aftercare.maintenance.models import (
        MaintenancePlan,
        MaintenanceReminder,
        NoticeDelivery,
        OwnerNotice,
        ServiceVisit,
    )
    from postventa.catalog.models import Asset, Product

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    pending_before = set(OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True))
    added = 0
    products = {p.sku: p for p in Product.objects.filter(sku__in=list(PLANS))}
    for sku, (consumables, failures, service_es, service_en) in PLANS.items():
        product = products.get(sku)
        if product is None or MaintenancePlan.objects.filter(product=product).exists():
            continue
        plan = services.plan_save(acting_user=supervisor, product=product, service_es=service_es, service_en=service_en,
                                  interval_months=product.maintenance_interval_months or 12)  # fmt: skip
        for es, en, months in consumables:
            services.consumable_add(acting_user=supervisor, plan=plan, name_es=es, name_en=en, period_months=months)
        for es, en, months, msg_es, msg_en in failures:
            services.failure_point_add(acting_user=supervisor, plan=plan, component_es=es, component_en=en,
                                       after_months=months, message_es=msg_es, message_en=msg_en)  # fmt: skip
        added += 1
    added += schedule.schedule_reminders(now=now)["reminders"]
    # Already due: recorded as sent on their day (the demo emails nobody).
    MaintenanceReminder.objects.filter(status="scheduled", send_after__lte=now).update(
        status="sent", sent_at=now, last_error="Demo data: not emailed."
    )
    # Two booked visits on the first maintained assets.
    assets = list(Asset.objects.filter(product__sku__in=list(PLANS), customer__erased_at__isnull=True)
                  .exclude(customer__email="").select_related("customer").order_by("id")[:2])  # fmt: skip
    for i, asset in enumerate(assets):
        if ServiceVisit.objects.filter(asset=asset).exists():
            continue
        services.visit_book(asset=asset, customer=asset.customer, preferred_date=(now + dt.timedelta(days=5 + i)).date(),
                            slot=("morning", "afternoon")[i % 2], note="Llamar antes de subir." if i == 0 else "", now=now)  # fmt: skip
        added += 1
    recall_product = products.get(RECALL_SKU)
    if (
        recall_product is not None
        and not OwnerNotice.objects.filter(subject_es=RECALL_SUBJECT).exists()
        and notices.notice_preview(product=recall_product)["owners"]
    ):
        notice = notices.notice_send(
            acting_user=supervisor, product=recall_product, kind="safety_recall", subject_es=RECALL_SUBJECT,
            subject_en="Safety check of the inlet hose",
            message_es="Algunas unidades pueden tener una manguera de entrada defectuosa. Le cambiamos la pieza "
                       "gratis en su domicilio: responda a este mensaje para concertar la visita.",
            message_en="Some units may have a faulty inlet hose. We replace it free of charge at your home: "
                       "reply to this message to arrange the visit.",
        )  # fmt: skip
        NoticeDelivery.objects.filter(notice=notice).update(status="suppressed", note="Demo data: not emailed.")
        OwnerNotice.objects.filter(pk=notice.pk).update(status="sent", finished_at=now)
        added += 1
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
