"""Loading the demo shop: plan everything in memory, then insert only what is missing.

Rows are written with bulk_create rather than through the domain services on purpose: the
services stamp "now" on every row, emit outbox events and audit entries, while demo history
needs past dates and must never mail or notify hundreds of fake customers. Each row has a fixed
key (username, SKU, demo external id, order number, tracking number, serial), so a second run
adds nothing. Helpdesk tickets are the exception: demo.tickets writes them through the helpdesk
services and then settles their outbox events and deliveries (see there).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from postventa.accounts.models import Role, Skill, Team, User
from postventa.catalog.models import Asset, Category, Product
from postventa.customers.models import (
    Address,
    Consent,
    ConsentEvent,
    Customer,
    CustomerEmail,
    CustomerPhone,
    ExternalId,
    Tag,
    TimelineEntry,
)
from postventa.demo import data
from postventa.demo.aftercare import load_aftercare
from postventa.demo.logins import DEMO_USERS
from postventa.demo.models import DemoLoad
from postventa.demo.orderplan import OrderPlan, plan_orders
from postventa.demo.people import CustomerPlan, assign_created_at, plan_customers
from postventa.demo.tickets import load_tickets
from postventa.orders.models import Order, OrderLine, OrderStatusChange, Shipment, ShipmentEvent

DEMO_SYSTEM = "demo"  # ExternalId.system of demo customers
CHUNK = 2000
SCALES = {"small": (60, 300), "full": (600, 3600)}
DEFAULT_SEED = 20240501
SERIALISED = {c.slug for c in data.CATEGORIES if c.serialised}


@dataclass
class Result:
    added: dict[str, int]
    seconds: float
    skipped: bool = False


def demo_loaded() -> bool:
    return DemoLoad.objects.exists()


def _bulk(model, rows: list, **kwargs) -> list:
    return model.objects.bulk_create(rows, batch_size=CHUNK, **kwargs)


def load_staff() -> dict[str, User]:
    """The four demo accounts (passwords from demo.logins), three teams, languages and product lines."""
    teams = {}
    for name, description, email in data.TEAMS:
        teams[name], _ = Team.objects.get_or_create(
            name=name, defaults={"description": description, "email": email}
        )
    skills = {}
    for kind, code, name in data.SKILLS:
        skills[code], _ = Skill.objects.get_or_create(kind=kind, code=code, defaults={"name": name})
    users = {}
    for username, password, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, last, team_names, skill_codes = data.STAFF_PROFILES.get(username, ("", "", [], []))
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@postventa.example.com",
                role=role,
                is_staff=True,
                is_superuser=role == Role.ADMIN,
                availability="available" if role == Role.AGENT else "offline",
            )
            user.set_password(password)
            user.save()
            user.teams.set([teams[t] for t in team_names])
            user.skills.set([skills[s] for s in skill_codes if s in skills])
        users[role] = user
    return users


def load_catalog() -> tuple[dict[str, Category], list[Product], int]:
    categories = {c.slug: c for c in Category.objects.filter(slug__in=[d.slug for d in data.CATEGORIES])}
    missing = [
        Category(slug=d.slug, name_es=d.name_es, name_en=d.name_en)
        for d in data.CATEGORIES
        if d.slug not in categories
    ]
    for category in _bulk(Category, missing):
        categories[category.slug] = category
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[d.sku for d in data.PRODUCTS])}
    new = [
        Product(
            sku=d.sku,
            name_es=d.name_es,
            name_en=d.name_en,
            description_es=f"{d.name_es} de {d.brand}.",
            description_en=f"{d.brand} {d.name_en}.",
            category=categories[d.category],
            brand=d.brand,
            price=d.price,
            currency="EUR",
            warranty_months=d.warranty_months,
            maintenance_interval_months=d.maintenance_months,
            manufacturing_ended_on=d.ended,
            is_recyclable=d.recyclable,
            attributes={"serialised": d.category in SERIALISED},
            is_active=d.ended is None,
        )
        for d in data.PRODUCTS
        if d.sku not in existing
    ]
    for product in _bulk(Product, new):
        existing[product.sku] = product
    return categories, [existing[d.sku] for d in data.PRODUCTS], len(missing) + len(new)


def _consent_rows(customer_id: int, plan: CustomerPlan, seq: int) -> tuple[list[Consent], list[ConsentEvent]]:
    created = plan.created_at
    proof = {"form": "checkout", "ip": f"203.0.113.{seq % 250 + 1}"}
    wanted = [("email", "transactional", "granted", created)]
    if plan.sms and plan.phone:
        wanted.append(("sms", "transactional", "granted", created))
    if plan.surveys:
        wanted.append(("email", "surveys", "granted", created))
    events: list[ConsentEvent] = []
    current: list[Consent] = []
    if plan.marketing:
        wanted.append(("email", "marketing", "granted", created))
        if plan.marketing == "withdrawn":
            # The withdrawal comes later, from the unsubscribe link: both stay in the history.
            withdrawn_at = created + dt.timedelta(days=30 + seq % 200)
            events.append(
                ConsentEvent(
                    customer_id=customer_id,
                    channel="email",
                    purpose="marketing",
                    status="withdrawn",
                    source="web_form",
                    occurred_at=min(withdrawn_at, timezone.now()),
                    text_version="2024-01",
                    proof={"form": "unsubscribe_link"},
                )
            )
    for channel, purpose, status, at in wanted:
        events.append(
            ConsentEvent(
                customer_id=customer_id,
                channel=channel,
                purpose=purpose,
                status=status,
                source="web_form",
                occurred_at=at,
                text_version="2024-01",
                proof=proof,
            )
        )
    latest: dict[tuple[str, str], ConsentEvent] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        latest[(event.channel, event.purpose)] = event
    for (channel, purpose), event in latest.items():
        current.append(
            Consent(
                customer_id=customer_id,
                channel=channel,
                purpose=purpose,
                status=event.status,
                source=event.source,
                changed_at=event.occurred_at,
                text_version="2024-01",
                proof=event.proof,
            )
        )
    return current, events


def load_customers(plans: list[CustomerPlan]) -> tuple[dict[int, int], int]:
    """Insert the missing customers with contacts, addresses, tags and consents; index -> pk."""
    existing = dict(ExternalId.objects.filter(system=DEMO_SYSTEM).values_list("value", "customer_id"))
    ids = {p.index: existing[p.key] for p in plans if p.key in existing}
    todo = [p for p in plans if p.key not in existing]
    if not todo:
        return ids, 0
    rows = [
        Customer(
            kind=p.kind,
            first_name=p.first_name,
            last_name=p.last_name,
            company_name=p.company_name,
            tax_id=p.tax_id,
            email=p.email,
            phone=p.phone,
            language=p.language,
            time_zone=p.time_zone,
            created_at=p.created_at,
            attributes={"source": "demo"},
            quiet_start=dt.time(22, 0) if p.quiet else None,
            quiet_end=dt.time(8, 0) if p.quiet else None,
            max_messages_per_week=2 if p.quiet else None,
        )
        for p in todo
    ]
    customers = _bulk(Customer, rows)
    tag_names = sorted({t for p in todo for t in p.tags})
    Tag.objects.bulk_create([Tag(name=n) for n in tag_names], ignore_conflicts=True)
    tags = dict(Tag.objects.filter(name__in=tag_names).values_list("name", "pk"))
    emails, phones, addresses, external, tag_links, consents, events = [], [], [], [], [], [], []
    for plan, customer in zip(todo, customers, strict=True):
        ids[plan.index] = customer.pk
        emails.append(
            CustomerEmail(customer=customer, email=plan.email, is_primary=True, verified_at=plan.created_at)
        )
        if plan.phone:
            phones.append(CustomerPhone(customer=customer, number=plan.phone, label="móvil", is_primary=True))
        a = plan.address
        addresses.append(
            Address(
                customer=customer,
                kind="shipping",
                line1=a.line1,
                postcode=a.postcode,
                city=a.city,
                region=a.region,
                country="ES",
                is_default=True,
            )
        )
        if plan.billing:
            b = plan.billing
            addresses.append(
                Address(
                    customer=customer,
                    kind="billing",
                    line1=b.line1,
                    postcode=b.postcode,
                    city=b.city,
                    region=b.region,
                    country="ES",
                )
            )
        external.append(ExternalId(customer=customer, system=DEMO_SYSTEM, value=plan.key))
        external.append(ExternalId(customer=customer, system="shop", value=f"shop-cust-{plan.index + 1}"))
        tag_links += [Customer.tags.through(customer_id=customer.pk, tag_id=tags[t]) for t in plan.tags]
        c, e = _consent_rows(customer.pk, plan, plan.index)
        consents += c
        events += e
    # ignore_conflicts: a real customer may already own one of these (reserved-domain) addresses.
    _bulk(CustomerEmail, emails, ignore_conflicts=True)
    _bulk(CustomerPhone, phones, ignore_conflicts=True)
    _bulk(Address, addresses)
    _bulk(ExternalId, external, ignore_conflicts=True)
    _bulk(Customer.tags.through, tag_links, ignore_conflicts=True)
    _bulk(Consent, consents)
    _bulk(ConsentEvent, events)
    _bulk(TimelineEntry, _customer_timeline(todo, ids, events))
    return ids, len(todo)


def _customer_timeline(todo: list[CustomerPlan], ids: dict[int, int], events: list[ConsentEvent]) -> list:
    """The entries customers.services and customers.consents write, with the same kinds and data."""
    entries = [
        TimelineEntry(
            customer_id=ids[p.index],
            kind="customer.created",
            summary=p.display_name,
            occurred_at=p.created_at,
        )
        for p in todo
    ]
    for e in events:
        entries.append(
            TimelineEntry(
                customer_id=e.customer_id,
                kind=f"consent.{e.status}",
                summary=f"{e.channel}/{e.purpose}: {e.status}",
                data={"channel": e.channel, "purpose": e.purpose, "source": e.source},
                occurred_at=e.occurred_at,
            )
        )
    return entries


def _shipment_events(plan: OrderPlan, shipment: Shipment, now: dt.datetime) -> list[ShipmentEvent]:
    shipped = plan.step_time("shipped")
    later = [s.at for s in plan.steps if s.at > shipped]
    until = later[0] if later else now
    city = data.CITIES[plan.seq % len(data.CITIES)][0]
    rows = [
        ("LABEL_CREATED", "Etiqueta creada", "", shipped - dt.timedelta(hours=2), False),
        ("PICKED_UP", "Recogido por el transportista", "Almacén central, Madrid", shipped, True),
        ("IN_TRANSIT", "En tránsito", "Centro de clasificación", shipped + (until - shipped) / 3, False),
        (
            "ARRIVED_AT_HUB",
            "Llegada a la delegación de destino",
            city,
            shipped + (until - shipped) * 2 / 3,
            False,
        ),
    ]
    codes = {
        "out_for_delivery": ("OUT_FOR_DELIVERY", "En reparto"),
        "delivered": ("DELIVERED", "Entregado"),
        "delivery_failed": ("DELIVERY_FAILED", "Entrega fallida: destinatario ausente"),
        "returned": ("RETURNED_TO_SENDER", "Devuelto al remitente"),
    }
    for step in plan.steps:
        if step.to_status in codes:
            code, text = codes[step.to_status]
            rows.append((code, text, city, step.at, True))
    return [
        ShipmentEvent(
            shipment=shipment,
            carrier=plan.carrier,
            carrier_event_id=f"{shipment.tracking_number}-{n}",
            code=code,
            description=text,
            location=where,
            occurred_at=at,
            applied=applied,
            raw={"code": code, "tracking": shipment.tracking_number},
            received_at=at,
        )
        for n, (code, text, where, at, applied) in enumerate(rows, start=1)
    ]


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_orders(
    plans: list[OrderPlan],
    customers: list[CustomerPlan],
    customer_ids: dict[int, int],
    products: list[Product],
    staff: dict[str, User],
    now: dt.datetime,
) -> dict[str, int]:
    existing = set(
        Order.objects.filter(number__in=[p.number for p in plans]).values_list("number", flat=True)
    )
    todo = [p for p in plans if p.number not in existing]
    added = {
        "orders": 0,
        "order_lines": 0,
        "status_changes": 0,
        "shipments": 0,
        "shipment_events": 0,
        "assets": 0,
    }
    agent = staff.get(Role.AGENT)
    for chunk in _chunks(todo, CHUNK):
        orders = []
        for p in chunk:
            c = customers[p.customer]
            subtotal, shipping, tax, total = p.totals()
            orders.append(
                Order(
                    number=p.number,
                    external_id=p.external_id,
                    customer_id=customer_ids[p.customer],
                    status=p.status,
                    placed_at=p.placed_at,
                    created_at=p.placed_at,
                    currency="EUR",
                    subtotal=subtotal,
                    shipping_total=shipping,
                    tax_total=tax,
                    total=total,
                    ship_name=c.display_name,
                    ship_line1=c.address.line1,
                    ship_postcode=c.address.postcode,
                    ship_city=c.address.city,
                    ship_country="ES",
                    status_changed_at=p.steps[-1].at,
                )
            )
        orders = _bulk(Order, orders)
        lines, history, shipments = [], [], []
        for p, order in zip(chunk, orders, strict=True):
            for pos, line in enumerate(p.lines, start=1):
                product = products[line.product]
                lines.append(
                    OrderLine(
                        order=order,
                        position=pos,
                        sku=product.sku,
                        product=product,
                        description=product.name_es,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        line_total=line.total,
                    )
                )
            for step in p.steps:
                history.append(
                    OrderStatusChange(
                        order=order,
                        from_status=step.from_status,
                        to_status=step.to_status,
                        source=step.source,
                        acting_user=agent if step.by_staff else None,
                        note=step.note,
                        occurred_at=step.at,
                    )
                )
            if p.carrier:
                shipments.append(
                    Shipment(
                        order=order,
                        carrier=p.carrier,
                        tracking_number=p.tracking_number,
                        tracking_url="",
                        status=p.status,
                        created_at=p.step_time("shipped"),
                        last_event_at=p.steps[-1].at,
                    )
                )
        lines = _bulk(OrderLine, lines)
        _bulk(OrderStatusChange, history)
        shipments = _bulk(Shipment, shipments)
        by_order = {s.order_id: s for s in shipments}
        events = []
        for p, order in zip(chunk, orders, strict=True):
            if order.pk in by_order:
                events += _shipment_events(p, by_order[order.pk], now)
        _bulk(ShipmentEvent, events)
        _bulk(TimelineEntry, _order_timeline(chunk, orders))
        assets = _assets(chunk, orders, lines, customer_ids)
        _bulk(Asset, assets, ignore_conflicts=True)
        for key, n in (
            ("orders", len(orders)),
            ("order_lines", len(lines)),
            ("status_changes", len(history)),
            ("shipments", len(shipments)),
            ("shipment_events", len(events)),
            ("assets", len(assets)),
        ):
            added[key] += n
    return added


def _order_timeline(chunk: list[OrderPlan], orders: list[Order]) -> list[TimelineEntry]:
    """The entries orders.services writes when an order is created or moves, same kinds and data."""
    entries = []
    for plan, order in zip(chunk, orders, strict=True):
        entries.append(
            TimelineEntry(
                customer_id=order.customer_id,
                kind="order.created",
                summary=order.number,
                occurred_at=order.placed_at,
                source_type="order",
                source_id=str(order.pk),
                data={"number": order.number, "total": str(order.total), "currency": order.currency},
            )
        )
        for step in plan.steps[1:]:
            entries.append(
                TimelineEntry(
                    customer_id=order.customer_id,
                    kind="order.status_changed",
                    summary=f"{order.number}: {step.from_status} -> {step.to_status}",
                    occurred_at=step.at,
                    source_type="order",
                    source_id=str(order.pk),
                    data={"number": order.number, "from": step.from_status, "to": step.to_status},
                )
            )
    return entries


def _assets(
    chunk: list[OrderPlan], orders: list[Order], lines: list[OrderLine], customer_ids: dict[int, int]
) -> list[Asset]:
    """One registered unit per delivered unit of a serialised product, serial derived from the line."""
    plan_of = {order.pk: plan for plan, order in zip(chunk, orders, strict=True)}
    assets = []
    for line in lines:
        plan = plan_of[line.order_id]
        product = line.product
        if plan.status != "delivered" or not (product.attributes or {}).get("serialised"):
            continue
        delivered = plan.step_time("delivered")
        for unit in range(line.quantity):
            serial = f"{product.brand[:2].upper()}{plan.seq:07d}{line.position}{unit}"
            assets.append(
                Asset(
                    product=product,
                    customer_id=customer_ids[plan.customer],
                    serial_number=serial,
                    purchased_on=delivered.date(),
                    order_line=line,
                    source="order",
                    created_at=delivered,
                )
            )
    return assets


def load(
    *,
    customers: int,
    orders: int,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> Result:
    """Load (or complete) the demo shop. Deterministic for a given seed; a second run adds nothing."""
    started = time.monotonic()
    now = now or timezone.now()
    customer_plans = plan_customers(customers, seed=seed)
    order_plans = plan_orders(
        orders if customers else 0,
        customer_weights=[p.weight for p in customer_plans],
        products=data.PRODUCTS,
        now=now,
        seed=seed,
    )
    first_order: dict[int, dt.datetime] = {}
    for plan in order_plans:
        customer_plans[plan.customer].order_count += 1
        first_order.setdefault(plan.customer, plan.placed_at)
    assign_created_at(customer_plans, first_order, now=now, seed=seed)
    progress(f"planned {len(customer_plans)} customers and {len(order_plans)} orders")
    with transaction.atomic():
        staff = load_staff()
        _categories, products, catalog_added = load_catalog()
        customer_ids, customers_added = load_customers(customer_plans)
        progress(f"customers: {customers_added} added")
        added = load_orders(order_plans, customer_plans, customer_ids, products, staff, now)
        tickets_added = load_tickets(now=now, seed=seed)
        progress(f"tickets: {tickets_added} added")
        aftercare_added = load_aftercare(now=now, seed=seed)
        progress(f"aftercare: {aftercare_added}")
        added = {
            "catalog_rows": catalog_added,
            "customers": customers_added,
            **added,
            "tickets": tickets_added,
            **aftercare_added,
        }
        if any(added.values()) or not DemoLoad.objects.exists():
            # A run that added nothing leaves no trace, so "twice adds nothing" holds for every table.
            DemoLoad.objects.create(seed=seed, customers=customers, orders=orders, added=added)
    return Result(added=added, seconds=time.monotonic() - started)
