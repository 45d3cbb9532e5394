"""Demo warranties: plain-language terms (es/en) for Bosch and Samsung and for an extended warranty,
brand commercial warranties, two extended plans on sale, and extended warranties sold on a few units.

Through the services, idempotent (terms by key, plans by name, sales by reference) and silent:
outbox events created here are marked done, so no webhook or email goes out.
"""

from __future__ import annotations

import datetime as dt
import random

from postventa.core.models import OutboxEvent

TERMS = {
    "bosch-comercial": (
        "Garantía comercial Bosch",
        "Bosch commercial warranty",
        "Bosch repara gratis su aparato durante el plazo indicado desde la entrega: piezas, mano de obra y "
        "desplazamiento.\n\nNo cubre: golpes, mal uso, cal ni piezas de desgaste (filtros, juntas, bombillas).\n\n"
        "Cómo reclamar: desde Mis productos, con el número de serie. Esta garantía se suma a la garantía legal "
        "de tres años; no la sustituye.",
        "Bosch repairs your appliance free of charge for the stated period from delivery: parts, labour and "
        "call-out.\n\nNot covered: knocks, misuse, limescale or wear parts (filters, seals, bulbs).\n\n"
        "How to claim: from My products, with the serial number. This warranty adds to the three-year legal "
        "guarantee; it does not replace it.",
    ),
    "samsung-comercial": (
        "Garantía comercial Samsung",
        "Samsung commercial warranty",
        "Samsung cubre las averías de fabricación durante el plazo indicado desde la entrega. En frigoríficos, "
        "el compresor digital tiene 10 años de garantía en la pieza.\n\nNo cubre: daños por líquidos, "
        "caídas o pantallas rotas.\n\nSe suma a su garantía legal.",
        "Samsung covers manufacturing faults for the stated period from delivery. In fridges the digital "
        "compressor has a 10-year warranty on the part.\n\nNot covered: liquid damage, drops or broken "
        "screens.\n\nIt adds to your legal guarantee.",
    ),
    "garantia-plus": (
        "Garantía Plus",
        "Plus warranty",
        "La Garantía Plus empieza cuando terminan las garantías de su producto y cubre las averías de "
        "funcionamiento: reparación en casa o en taller, piezas y mano de obra, sin franquicia.\n\n"
        "Si no se puede reparar, le damos un vale por el valor del producto en la compra, descontando un 10 % "
        "por cada año de uso.\n\nNo cubre: golpes, mal uso ni accesorios. Puede cancelarla en 14 días y le "
        "devolvemos el importe.",
        "The Plus warranty starts when your product's guarantees end and covers breakdowns: repair at home "
        "or in the workshop, parts and labour, no excess.\n\nIf it cannot be repaired, you get a voucher for "
        "the purchase price minus 10% for each year of use.\n\nNot covered: knocks, misuse or accessories. You "
        "may cancel within 14 days for a full refund.",
    ),
}
BRAND_PLANS = [("Bosch", "bosch-comercial"), ("Samsung", "samsung-comercial")]
EXTENDED_PLANS = [
    ("Garantía Plus 2 años", "Plus warranty 2 years", 24, "79.00"),
    ("Garantía Plus 3 años", "Plus warranty 3 years", 36, "109.00"),
]
SALES = 6
REF_PREFIX = "DEMO-EXT-"


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.warranties import services
    from postventa.aftercare.warranties.models import (
        ExtendedWarranty,
        WarrantyPlan,
        WarrantyTerms,
    )
    from postventa.catalog.models import Asset

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )
    added = 0
    terms_by_slug = {t.slug: t for t in WarrantyTerms.objects.filter(slug__in=list(TERMS))}
    for slug, (title_es, title_en, body_es, body_en) in TERMS.items():
        if slug in terms_by_slug:
            continue
        terms = services.terms_create(
            acting_user=supervisor,
            slug=slug,
            title_es=title_es,
            title_en=title_en,
            body_es=body_es,
            body_en=body_en,
        )
        # in force long before the demo's orders, so every demo unit holds version 1 ...
        services.terms_version_publish(
            acting_user=supervisor, version=terms.versions.get(), now=now - dt.timedelta(days=4 * 365)
        )
        terms_by_slug[slug] = terms
        added += 1
        if slug == "bosch-comercial":
            # ... and a clearer version 2 a month ago, which only later buyers get.
            v2 = services.terms_version_create(
                acting_user=supervisor,
                terms=terms,
                body_es=body_es + "\n\nNovedad: la visita del técnico se agenda en 48 horas laborables.",
                body_en=body_en + "\n\nNew: the technician's visit is booked within 48 working hours.",
                change_note="Plazo de visita del técnico",
            )
            services.terms_version_publish(
                acting_user=supervisor, version=v2, now=now - dt.timedelta(days=30)
            )
            added += 1
    for brand, slug in BRAND_PLANS:
        if not WarrantyPlan.objects.filter(kind="commercial", brand=brand, product__isnull=True).exists():
            services.plan_save(
                acting_user=supervisor,
                kind="commercial",
                name_es=f"garantía comercial {brand}",
                name_en=f"{brand} commercial warranty",
                brand=brand,
                terms=terms_by_slug[slug],
            )
            added += 1
    plans = []
    for name_es, name_en, months, price in EXTENDED_PLANS:
        plan = WarrantyPlan.objects.filter(kind="extended", name_es=name_es).first()
        if plan is None:
            plan = services.plan_save(
                acting_user=supervisor,
                kind="extended",
                name_es=name_es,
                name_en=name_en,
                months=months,
                price=price,
                terms=terms_by_slug["garantia-plus"],
            )
            added += 1
        plans.append(plan)
    if not ExtendedWarranty.objects.filter(reference__startswith=REF_PREFIX).exists():
        rng = random.Random(seed)
        candidates = list(
            Asset.objects.filter(
                order_line__order__status="delivered", product__brand__in=["Bosch", "Samsung", "LG"]
            )
            .order_by("id")
            .values_list("pk", flat=True)[:200]
        )
        for asset_id in sorted(rng.sample(candidates, min(SALES, len(candidates)))):
            asset = Asset.objects.get(pk=asset_id)
            services.extended_warranty_sell(
                acting_user=supervisor,
                asset=asset,
                plan=plans[asset_id % len(plans)],
                reference=f"{REF_PREFIX}{asset_id}",
                now=now,
            )
            added += 1
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
