"""Demo helpdesk tickets: ~80 conversations of the last 30 days, so the console inbox is not empty.

Unlike the shop rows, tickets go through the helpdesk services (receive_message, reply,
add_note), so numbers, thread keys, counters and timelines are the real ones. Those services
emit outbox events and leave agent replies "pending" delivery; both are settled before the
demo's transaction commits (events marked done, replies marked sent), so no demo customer is
ever mailed or messaged when the worker starts. Content is plain data, not gettext: it is what
customers wrote. Each ticket's first message has a fixed external id ("demo-T001"...), which
makes a second run add nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from postventa.accounts.models import Team, User
from postventa.core.models import OutboxEvent
from postventa.customers.models import Customer, ExternalId
from postventa.demo.data import CATEGORIES
from postventa.helpdesk import services
from postventa.helpdesk.models import Message, Status, Ticket
from postventa.orders.models import Order

TICKETS = 80
DEVICES = {c.slug for c in CATEGORIES if c.serialised}
EXTERNAL_PREFIX = "demo-T"
CUSTOMER_CARE, TECH, RETURNS = "Atención al cliente", "Soporte técnico", "Devoluciones"

# Which orders a story can be about (None: no order).
IN_TRANSIT = ("shipped", "out_for_delivery", "delivery_failed", "preparing", "paid")
DELIVERED = ("delivered",)


@dataclass(frozen=True)
class Story:
    lang: str
    subject: str
    team: str
    type: str
    orders: tuple[str, ...] | None
    first: str  # the customer's first message
    answer: str  # the agent's first public reply
    follow_up: str  # the customer's second message
    closing: str  # the agent's last reply (solved/closed tickets)
    note: str  # an internal note
    product: str = ""  # the order must contain a product whose name starts with this
    device: bool = False  # ... or any serialised product (an appliance or a device that can break)


STORIES = [
    Story(
        "es",
        "¿Dónde está mi pedido {number}?",
        CUSTOMER_CARE,
        "order_issue",
        IN_TRANSIT,
        "Hola, hice el pedido {number} hace unos días y todavía no me ha llegado. ¿Me podéis decir dónde está?\nGracias, {name}",
        "Hola {name}, tu pedido {number} ya está en manos del transportista. Debería llegarte en 24-48 horas laborables; te avisaremos si hay cualquier cambio.",
        "Gracias. ¿Puedo cambiar la franja de entrega? Por las mañanas no estoy en casa.",
        "Hemos pedido al transportista que entregue {number} por la tarde. ¡Cualquier cosa, aquí estamos!",
        "El transportista confirma el cambio de franja por teléfono.",
    ),
    Story(
        "es",
        "La lavadora hace mucho ruido al centrifugar",
        TECH,
        "incident",
        DELIVERED,
        "Buenas tardes, la lavadora que compré (pedido {number}) hace un ruido muy fuerte al centrifugar, como si golpeara algo. ¿Qué puedo hacer?",
        "Hola {name}, lamentamos la molestia. ¿Puedes comprobar que se retiraron los tornillos de transporte de la parte trasera? Es la causa más habitual del ruido en lavadoras nuevas.",
        "Pues sí, quedaban dos tornillos puestos. Ya los he quitado y ahora va mucho mejor.",
        "¡Estupendo, {name}! Guarda los tornillos por si algún día necesitas transportarla. Cerramos la consulta.",
        "Caso típico: tornillos de transporte. Proponer añadirlo a la guía de instalación.",
        "Lavadora",
    ),
    Story(
        "es",
        "Quiero devolver la silla",
        RETURNS,
        "order_issue",
        DELIVERED,
        "Hola, quiero devolver la silla del pedido {number}: no es tan cómoda como esperaba. ¿Cómo lo hago?",
        "Hola {name}, sin problema: estás dentro del plazo de 30 días. Te hemos generado una etiqueta de devolución; solo tienes que empaquetar el artículo y el transportista pasará a recogerlo.",
        "Perfecto, ya lo tengo empaquetado. ¿Cuándo vienen?",
        "Hemos recibido el artículo en el almacén y el reembolso ya está en camino: lo verás en tu cuenta en 3-5 días laborables.",
        "Recogida programada con el transportista; revisar estado del artículo al llegar.",
        "Silla",
    ),
    Story(
        "es",
        "{product} no enciende",
        TECH,
        "incident",
        DELIVERED,
        "Hola, el producto {product} del pedido {number} no enciende desde ayer. Lo he probado en otro enchufe y nada.",
        "Hola {name}, sentimos la avería. Está en garantía: ¿nos puedes enviar una foto de la etiqueta con el número de serie para tramitar la reparación?",
        "Os adjunto los datos de la etiqueta. ¿Cuánto tardará la reparación?",
        "El servicio técnico pasará a recogerlo esta semana; la reparación suele tardar entre 7 y 10 días. Te mantendremos informado.",
        "Garantía vigente. Abierta orden con el servicio técnico oficial.",
        device=True,
    ),
    Story(
        "es",
        "Me ha llegado el producto dañado",
        RETURNS,
        "complaint",
        DELIVERED,
        "Buenos días. El pedido {number} ha llegado con la caja rota y el producto tiene un golpe en un lateral. Quiero una solución.",
        "Hola {name}, lamentamos mucho lo ocurrido. Te enviamos un producto nuevo sin coste y el transportista recogerá el dañado en la misma visita.",
        "De acuerdo, gracias por la rapidez.",
        "El cambio se ha completado. Disculpa de nuevo las molestias, {name}.",
        "Abrir reclamación al transportista con las fotos del cliente.",
    ),
    Story(
        "es",
        "Factura del pedido {number}",
        CUSTOMER_CARE,
        "question",
        DELIVERED,
        "Hola, necesito la factura del pedido {number} a nombre de mi empresa. ¿Me la podéis enviar?",
        "Hola {name}, claro. ¿Nos indicas la razón social y el CIF para emitirla?",
        "Os paso los datos fiscales. Muchas gracias.",
        "Te hemos enviado la factura por correo. Ya la tienes también disponible en tu área de cliente.",
        "Factura rectificativa emitida por administración.",
    ),
    Story(
        "es",
        "Cancelar pedido {number}",
        CUSTOMER_CARE,
        "order_issue",
        ("paid", "preparing", "pending_payment"),
        "Hola, me he equivocado de modelo en el pedido {number}. ¿Lo podéis cancelar antes de que salga?",
        "Hola {name}, hemos parado el pedido en el almacén. Te confirmamos la cancelación y el reembolso en cuanto lo procesemos.",
        "Vale, muchas gracias por la rapidez.",
        "Pedido {number} cancelado y reembolsado. Si quieres, puedes hacer un nuevo pedido con el modelo correcto.",
        "Almacén confirma que el pedido no había salido.",
    ),
    Story(
        "es",
        "Duda sobre la garantía",
        TECH,
        "question",
        None,
        "Hola, compré un electrodoméstico hace un año y medio. ¿Sigue en garantía si se estropea?",
        "Hola {name}, la garantía legal es de 3 años para compras desde 2022. Si tienes cualquier avería, escríbenos con el número de pedido.",
        "Perfecto, me quedo más tranquilo.",
        "¡A ti! Cerramos la consulta; cualquier cosa, aquí estamos.",
        "Consulta general de garantía.",
    ),
    Story(
        "es",
        "Entrega fallida, no estaba en casa",
        CUSTOMER_CARE,
        "order_issue",
        ("delivery_failed", "out_for_delivery"),
        "Hola, el transportista intentó entregar el pedido {number} y yo no estaba. ¿Pueden volver a intentarlo mañana?",
        "Hola {name}, hemos solicitado un nuevo intento de entrega para mañana. Recibirás un SMS del transportista con la franja horaria.",
        "Mañana tampoco puedo, ¿lo pueden dejar en un punto de recogida?",
        "Listo: el pedido {number} quedará en el punto de recogida más cercano a tu domicilio durante 7 días.",
        "Segundo intento fallido: pasar a punto de recogida.",
    ),
    Story(
        "es",
        "El frigorífico no enfría bien",
        TECH,
        "incident",
        DELIVERED,
        "El frigorífico del pedido {number} no enfría lo suficiente, la parte de abajo está casi a temperatura ambiente.",
        "Hola {name}, ¿puedes comprobar que el termostato está en posición media y que la parte trasera tiene al menos 5 cm de separación con la pared?",
        "Lo he separado de la pared y sigue igual después de un día.",
        "Hemos programado la visita de un técnico. Te llamará para concertar el día.",
        "Posible fallo de compresor; prioridad alta por alimentos.",
        "Frigorífico",
    ),
    Story(
        "es",
        "Cambio de dirección de entrega",
        CUSTOMER_CARE,
        "question",
        ("paid", "preparing", "shipped"),
        "Hola, ¿puedo cambiar la dirección de entrega del pedido {number}? Me he mudado esta semana.",
        "Hola {name}, sí. Indícanos la nueva dirección completa y la actualizamos con el transportista.",
        "Calle Mayor 12, 3º B, mismo código postal. Gracias.",
        "Dirección actualizada para el pedido {number}. ¡Que disfrutes de la casa nueva!",
        "Cambio de dirección comunicado al transportista.",
    ),
    Story(
        "es",
        "Reembolso no recibido",
        RETURNS,
        "complaint",
        ("returned", "cancelled"),
        "Buenas, hace ya dos semanas de la devolución del pedido {number} y no he recibido el reembolso.",
        "Hola {name}, lo revisamos ahora mismo. El reembolso se emitió hace 3 días; según tu banco puede tardar hasta 5 días laborables en aparecer.",
        "Sigue sin aparecer en mi cuenta.",
        "Te adjuntamos el justificante de la transferencia. Si mañana no lo ves, escríbenos y lo reclamamos al banco.",
        "Revisado con administración: transferencia emitida correctamente.",
    ),
    Story(
        "es",
        "Consulta sobre instalación",
        TECH,
        "question",
        None,
        "Hola, ¿ofrecéis servicio de instalación para lavavajillas integrables? ¿Cuánto cuesta?",
        "Hola {name}, sí: la instalación de integrables cuesta 49 € e incluye la retirada del aparato antiguo.",
        "¿Y se puede contratar después de haber hecho el pedido?",
        "Claro, escríbenos con el número de pedido cuando lo tengas y lo añadimos.",
        "Cliente interesado en instalación; posible venta.",
    ),
    Story(
        "en",
        "Where is my order {number}?",
        CUSTOMER_CARE,
        "order_issue",
        IN_TRANSIT,
        "Hi, I placed order {number} a few days ago and it hasn't arrived yet. Could you tell me where it is?\nThanks, {name}",
        "Hi {name}, your order {number} is with the carrier and should reach you within 1-2 working days.",
        "Great, thank you. Can the courier leave it with a neighbour if I'm out?",
        "Done: the courier has your instructions. Let us know if there is anything else.",
        "English-speaking customer; replied in English.",
    ),
    Story(
        "en",
        "Return request",
        RETURNS,
        "order_issue",
        DELIVERED,
        "Hello, I'd like to return an item from order {number}. It doesn't fit the space I had for it.",
        "Hi {name}, no problem, you are within the 30-day return window. We've arranged a pickup and emailed you the return label.",
        "Thanks, it's packed and ready.",
        "We've received the item and your refund is on its way (3-5 working days).",
        "Return label generated.",
    ),
    Story(
        "en",
        "{product} stopped working",
        TECH,
        "incident",
        DELIVERED,
        "Hi, the {product} from order {number} stopped working this morning. It was fine until yesterday.",
        "Hi {name}, sorry to hear that. It's under warranty: could you send us the serial number from the label so we can book the repair?",
        "Sure, I'll send a photo of the label later today.",
        "The repair is booked; the technician will call you to arrange a visit.",
        "Warranty repair opened with the manufacturer.",
        device=True,
    ),
    Story(
        "es",
        "Cambiar el email de mi cuenta",
        CUSTOMER_CARE,
        "question",
        None,
        "Hola, he cambiado de correo electrónico. ¿Podéis actualizarlo en mi cuenta para recibir allí los avisos de pedidos?",
        "Hola {name}, por seguridad te hemos enviado un enlace de verificación a la nueva dirección. En cuanto lo confirmes, quedará actualizada.",
        "Hecho, ya lo he confirmado.",
        "Perfecto, {name}: a partir de ahora todos los avisos irán a tu nuevo correo.",
        "Cambio de email verificado por el cliente.",
    ),
    Story(
        "es",
        "¿Cuándo vuelve a haber stock?",
        CUSTOMER_CARE,
        "question",
        None,
        "Buenas, quería comprar una cafetera superautomática pero aparece como agotada. ¿Sabéis cuándo volverá a estar disponible?",
        "Hola {name}, el proveedor nos confirma reposición para la semana que viene. Si quieres, te avisamos en cuanto esté disponible.",
        "Sí, por favor, avisadme.",
        "¡Ya está disponible de nuevo, {name}! Puedes hacer el pedido cuando quieras.",
        "Cliente en lista de espera de reposición.",
    ),
    Story(
        "es",
        "Recogida del electrodoméstico antiguo",
        RETURNS,
        "question",
        None,
        "Hola, si compro un frigorífico nuevo, ¿os lleváis el viejo? ¿Tiene coste?",
        "Hola {name}, sí: la retirada del aparato antiguo es gratuita al entregar uno nuevo de la misma categoría. Solo tienes que marcarlo al hacer el pedido.",
        "Genial, ¿y si ya hice el pedido sin marcarlo?",
        "Sin problema: lo hemos añadido a tu próxima entrega.",
        "Retirada RAEE añadida manualmente.",
    ),
    Story(
        "en",
        "Do you deliver to the Canary Islands?",
        CUSTOMER_CARE,
        "question",
        None,
        "Hi, I'm moving to Tenerife next month. Do you deliver there, and are there extra costs?",
        "Hi {name}, yes, we deliver to the Canary Islands. Delivery takes 5-7 working days and customs (IGIC) may apply on arrival.",
        "Thanks. Can I keep my current account?",
        "Of course: just add your new address in your account before ordering.",
        "Canary Islands: remind about IGIC.",
    ),
]
NO_ORDER = [i for i, story in enumerate(STORIES) if story.orders is None]

# Status -> which messages the conversation has (c1, a1, c2, a2 and n for the internal note).
SHAPES = {
    Status.NEW: ["c1"],
    Status.OPEN: ["c1", "a1", "c2"],
    Status.PENDING: ["c1", "a1"],
    Status.ON_HOLD: ["c1", "n", "a1"],
    Status.SOLVED: ["c1", "a1", "c2", "a2"],
    Status.CLOSED: ["c1", "a1", "c2", "a2"],
}
STATUS_WEIGHTS = {
    Status.NEW: 18, Status.OPEN: 16, Status.PENDING: 14, Status.ON_HOLD: 6, Status.SOLVED: 14, Status.CLOSED: 12,
}  # fmt: skip
# Hours ago the conversation started: the unsolved ones are recent, the closed ones older.
AGE_HOURS = {
    Status.NEW: (0.3, 36), Status.OPEN: (6, 24 * 6), Status.PENDING: (10, 24 * 8), Status.ON_HOLD: (24, 24 * 12),
    Status.SOLVED: (24 * 2, 24 * 14), Status.CLOSED: (24 * 10, 24 * 30),
}  # fmt: skip
CHANNELS = ["email", "email", "email", "web_chat", "whatsapp", "whatsapp", "web_form", "phone"]
PRIORITIES = ["low", "normal", "normal", "normal", "normal", "high", "high", "urgent"]


def _fill(text: str, *, name: str, order: dict | None) -> str:
    return text.format(
        name=name,
        number=order["number"] if order else "",
        product=order["product"] if order else "el producto",
    )


def _candidates(
    story: Story, orders: dict[str, list[dict]], customers: dict, start: dt.datetime, used: set[int]
) -> list[dict]:
    """Order lines a story can be about: right status and product, already in that status when the
    customer wrote (`start`), not used by another ticket, bought by a customer who speaks the story's
    language."""
    found = [
        o for status in story.orders or () for o in orders.get(status, [])
        if o["customer_id"] in customers and o["id"] not in used and o["status_changed_at"] < start
        and o["product"].startswith(story.product) and (o["device"] or not story.device)
    ]  # fmt: skip
    same_language = [o for o in found if customers[o["customer_id"]].language == story.lang]
    # English stories fall back to any customer (a small demo may have few English speakers).
    return same_language or (found if story.lang == "en" else [])


def load_tickets(*, now: dt.datetime, seed: int, count: int = TICKETS) -> int:
    """Create the missing demo tickets; returns how many were added. Call inside a transaction."""
    wanted = [f"{EXTERNAL_PREFIX}{i + 1:03d}" for i in range(count)]
    done = set(Message.objects.filter(external_id__in=wanted).values_list("external_id", flat=True))
    todo = [(i, key) for i, key in enumerate(wanted) if key not in done]
    if not todo:
        return 0
    customer_ids = list(
        ExternalId.objects.filter(system="demo").order_by("value").values_list("customer_id", flat=True)
    )
    customers = Customer.objects.in_bulk(customer_ids)
    if not customers:
        return 0
    by_lang = {
        lang: [pk for pk in customer_ids if pk in customers and customers[pk].language == lang]
        for lang in ("es", "en")
    }
    orders: dict[str, list[dict]] = {}
    for row in (
        Order.objects.filter(customer_id__in=customer_ids, placed_at__gte=now - dt.timedelta(days=60))
        .order_by("number")
        .values(
            "id",
            "number",
            "status",
            "status_changed_at",
            "customer_id",
            "lines__description",
            "lines__product__category__slug",
        )
    ):
        # One row per order line: a story about a product picks among the orders that hold it.
        row["product"] = row.pop("lines__description") or "el producto"
        row["device"] = row.pop("lines__product__category__slug") in DEVICES
        orders.setdefault(row["status"], []).append(row)
    users = {u.username: u for u in User.objects.filter(username__in=["agente", "supervisor"])}
    agent, supervisor = users.get("agente"), users.get("supervisor")
    teams = dict(Team.objects.filter(name__in=[CUSTOMER_CARE, TECH, RETURNS]).values_list("name", "pk"))
    agent_teams = set(agent.teams.values_list("name", flat=True)) if agent else set()
    pending_before = set(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).values_list("pk", flat=True)
    )

    rng = random.Random(seed + 80)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    plans = []
    for i in range(count):
        # Drawn for every index, created or not, so a partial reload fills in the same tickets.
        status = statuses[i] if i < len(statuses) else rng.choices(statuses, weights)[0]
        story = STORIES[i % len(STORIES)]
        pick = rng.random()
        channel = CHANNELS[i % len(CHANNELS)]
        priority = rng.choice(PRIORITIES)
        age = dt.timedelta(hours=rng.uniform(*AGE_HOURS[status]))
        gaps = [dt.timedelta(minutes=rng.uniform(20, 60 * 20)) for _ in range(4)]
        assign = rng.random()
        plans.append((status, story, pick, channel, priority, age, gaps, assign))

    added = 0
    used: set[int] = set()  # one ticket per order, so the inbox does not repeat itself
    for i, key in todo:
        status, story, pick, channel, priority, age, gaps, assign = plans[i]
        pool = by_lang.get(story.lang) or by_lang["es"] or customer_ids
        order = None
        if story.orders is not None:
            candidates = _candidates(story, orders, customers, now - age, used)
            if not candidates and story.product:
                story = STORIES[3]  # the same kind of fault, about whatever product they bought
                candidates = _candidates(story, orders, customers, now - age, used)
            if not candidates:
                story = STORIES[NO_ORDER[i % len(NO_ORDER)]]  # a question that needs no order
            else:
                order = candidates[int(pick * len(candidates))]
                used.add(order["id"])
        customer = customers[order["customer_id"]] if order else customers[pool[int(pick * len(pool))]]
        name = customer.first_name or customer.display_name
        team = story.team
        actor = agent if agent is not None and team in agent_teams and assign < 0.6 else supervisor
        at = now - age
        shape = SHAPES[status]
        ticket, _message, _created = services.receive_message(
            customer=customer, channel=channel, body_text=_fill(story.first, name=name, order=order),
            subject=_fill(story.subject, name=name, order=order), external_id=key,
            thread_keys=[f"demo-thread-{key}"], acknowledge=False, now=at,
        )  # fmt: skip
        Ticket.objects.filter(pk=ticket.pk).update(
            team_id=teams.get(team), priority=priority, type=story.type, order_id=order["id"] if order else None,
            assignee=actor if status != Status.NEW or assign < 0.3 else None,
        )  # fmt: skip
        ticket.refresh_from_db()
        for step, gap in zip(shape[1:], gaps, strict=False):
            at = min(at + gap, now - dt.timedelta(minutes=5))
            if step == "n":
                services.add_note(ticket=ticket, acting_user=actor, body=story.note, now=at)
            elif step in ("a1", "a2"):
                text = story.answer if step == "a1" else story.closing
                after = (
                    Status.SOLVED if step == "a2" else (Status.ON_HOLD if status == Status.ON_HOLD else None)
                )
                services.reply(ticket=ticket, acting_user=actor, body=_fill(text, name=name, order=order),
                               status=after or Status.PENDING, now=at)  # fmt: skip
            else:
                services.receive_message(
                    customer=customer, channel=channel, body_text=_fill(story.follow_up, name=name, order=order),
                    ticket=ticket, external_id=f"{key}-2", acknowledge=False, now=at,
                )  # fmt: skip
            ticket.refresh_from_db()
        final = {"status": status, "status_changed_at": at, "updated_at": at}
        if status in (Status.SOLVED, Status.CLOSED):
            final["solved_at"] = at
        if status == Status.CLOSED:
            final["closed_at"] = min(at + dt.timedelta(days=4), now)
            final["status_changed_at"] = final["updated_at"] = final["closed_at"]
        Ticket.objects.filter(pk=ticket.pk).update(**final)
        added += 1
    # Nothing of the demo may reach a customer: replies count as delivered, events as handled.
    Message.objects.filter(
        ticket__messages__external_id__startswith=EXTERNAL_PREFIX, delivery_status=Message.Delivery.PENDING
    ).update(delivery_status=Message.Delivery.SENT)
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exclude(pk__in=pending_before).update(
        status=OutboxEvent.Status.DONE, processed_at=now
    )
    return added
