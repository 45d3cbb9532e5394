"""Demo take-back: disposal instructions for the demo categories and two take-back requests
(one just requested from the portal, one collected and recycled with its certificate).

Idempotent (instructions per category once, requests once per customer) and silent: the outbox
events are marked done before the demo's transaction commits.
"""

from __future__ import annotations

import datetime as dt

from postventa.core.models import OutboxEvent

WEEE_ES = ("Los aparatos eléctricos y electrónicos (RAEE) no van al contenedor de basura. Llévelos a un punto "
           "limpio o a nuestra tienda; al comprar uno nuevo equivalente le retiramos el viejo gratis.")  # fmt: skip
WEEE_EN = ("Electrical and electronic equipment (WEEE) never goes in the rubbish bin. Take it to a recycling point "
           "or to our shop; when you buy an equivalent new one we take the old one away free of charge.")  # fmt: skip
BATTERY_ES = "Retire las pilas y baterías y deposítelas en los contenedores de pilas. Proteja los bornes con cinta."
BATTERY_EN = "Remove cells and batteries and drop them in battery bins. Tape over the terminals."
INSTRUCTIONS = {
    "electrodomesticos": (WEEE_ES + " Vacíe y desconecte el aparato 24 horas antes de la recogida.",
                          WEEE_EN + " Empty and unplug the appliance 24 hours before the pick-up.", "", "", True),
    "pequeno-electrodomestico": (WEEE_ES, WEEE_EN, BATTERY_ES, BATTERY_EN, False),
    "moviles": (WEEE_ES + " Borre sus datos y quite la tarjeta SIM.", WEEE_EN + " Wipe your data and remove the SIM card.",
                BATTERY_ES, BATTERY_EN, False),
    "informatica": (WEEE_ES + " Borre sus datos antes de entregarlo.", WEEE_EN + " Wipe your data before handing it over.",
                    BATTERY_ES, BATTERY_EN, True),
    "impresoras": (WEEE_ES + " Los cartuchos y tóneres usados también se reciclan: tráigalos en una bolsa.",
                   WEEE_EN + " Used cartridges and toners are recycled too: bring them in a bag.", "", "", True),
}  # fmt: skip


def load(*, now: dt.datetime, seed: int) -> int:
    from postventa.accounts.models import User
    from postventa.aftercare.takeback import services
    from postventa.aftercare.takeback.models import DisposalInstruction, TakebackRequest
    from postventa.catalog.models import Asset, Category

    users = {u.username: u for u in User.objects.filter(username__in=["agente", "supervisor"])}
    agent, supervisor = users.get("agente"), users.get("supervisor")
    if agent is None or supervisor is None:
        return 0
    pending_before = set(OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True))
    added = 0
    for category in Category.objects.filter(slug__in=list(INSTRUCTIONS)):
        if DisposalInstruction.objects.filter(category=category).exists():
            continue
        es, en, bes, ben, pickup = INSTRUCTIONS[category.slug]
        services.instruction_save(acting_user=supervisor, category=category, instructions_es=es, instructions_en=en,
                                  battery_rules_es=bes, battery_rules_en=ben, accepts_pickup=pickup)  # fmt: skip
        added += 1
    if not TakebackRequest.objects.exists():
        assets = list(Asset.objects.filter(product__is_recyclable=True, customer__erased_at__isnull=True,
                                           customer__merged_into__isnull=True)
                      .exclude(customer__email="").select_related("customer", "product").order_by("id")[:20])  # fmt: skip
        seen, picks = set(), []
        for a in assets:
            if a.customer_id not in seen:
                seen.add(a.customer_id)
                picks.append(a)
        if len(picks) >= 2:
            first, second = picks[0], picks[1]
            services.request_create(customer=first.customer, asset=first, method="pickup",
                                    address="Calle de Alcalá 120, 3º B, 28009 Madrid",
                                    note="Está en un tercero sin ascensor.", now=now - dt.timedelta(days=1))  # fmt: skip
            req = services.request_create(customer=second.customer, asset=second, method="drop_off",
                                          now=now - dt.timedelta(days=20))  # fmt: skip
            step = now - dt.timedelta(days=19)
            services.request_transition(acting_user=agent, request=req, to_status="scheduled",
                                        scheduled_for=(now + dt.timedelta(days=1)).date(), now=step)  # fmt: skip
            services.request_transition(acting_user=agent, request=req, to_status="collected", now=now - dt.timedelta(days=12))
            services.request_transition(acting_user=agent, request=req, to_status="recycled", now=now - dt.timedelta(days=5))
            added += 2
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
