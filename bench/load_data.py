"""Load a big shop into the bench database: 200k customers and 1M orders with lines.

    .venv/bin/python bench/load_data.py                      # var/bench/bench.sqlite3
    .venv/bin/python bench/load_data.py --fraction 0.1       # 20k customers, 100k orders
    DATABASE_URL=postgres://... .venv/bin/python bench/load_data.py

Rows go in with multi-row INSERTs (executemany) in chunks of one transaction each, ids assigned
here, so the figure is the database's and not the ORM's. Every concrete column is filled (model
defaults for the ones this script does not know), so new columns do not break it. Resumable and
idempotent-ish: it counts what is already there and only adds the rest.

Per order: lines (1-3), a status history that the pipeline allows, and the "order.created"
timeline entry the customer 360 reads. Not loaded: shipments and carrier events (see README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Timer, load_note, migrate_quietly, setup_django, table  # noqa: E402

BENCH_DOMAIN = "bench.example.com"
ORDER_PREFIX = "BN-"
CHUNK = 20_000


class Inserter:
    """INSERT ... VALUES for one model with every concrete column; values adapted once per field."""

    def __init__(self, model, now: dt.datetime):
        from django.db import connection, models

        self.model = model
        self.connection = connection
        self.fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        cols = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES ({marks})"
        sqlite = connection.vendor == "sqlite"
        self.defaults: dict[str, object] = {}
        self.per_row_default: dict[str, object] = {}
        self.adapters = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default():
                if callable(f.default) and f.default not in (dict, list) and f.default.__name__ != "now":
                    self.per_row_default[f.attname] = f.default
                else:
                    self.defaults[f.attname] = (
                        now if callable(f.default) and f.default.__name__ == "now" else f.get_default()
                    )
            else:
                self.defaults[f.attname] = (
                    None if f.null else ("" if isinstance(f, (models.CharField, models.TextField)) else None)
                )
            if isinstance(f, models.JSONField):
                self.adapters.append(lambda v, f=f: f.get_db_prep_save(v, connection))
            elif isinstance(f, models.DateTimeField) and sqlite:
                self.adapters.append(
                    lambda v: v if v is None else v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
                )
            elif isinstance(f, models.DateField) and sqlite:
                self.adapters.append(lambda v: v if v is None else v.isoformat())
            elif isinstance(f, models.DecimalField) and sqlite:
                self.adapters.append(lambda v: v if v is None else str(v))
            else:
                self.adapters.append(None)
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, **values) -> None:
        row = []
        for f, adapt in zip(self.fields, self.adapters, strict=True):
            name = f.attname
            if name in values:
                v = values[name]
            elif name in self.per_row_default:
                v = self.per_row_default[name]()
            else:
                v = self.defaults[name]
            row.append(adapt(v) if adapt else v)
        self.rows.append(tuple(row))

    def flush(self) -> None:
        if self.rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def name_pools(seed: int) -> tuple[list[str], list[str], list[str], list[str]]:
    from faker import Faker

    es = Faker("es_ES")
    es.seed_instance(seed)
    en = Faker("en_GB")
    en.seed_instance(seed)
    first = sorted({es.first_name() for _ in range(600)})
    last = sorted({es.last_name() for _ in range(600)})
    first_en = sorted({en.first_name() for _ in range(200)})
    streets = sorted({es.street_name() for _ in range(800)})
    return first + first_en, last, streets, first_en


def load_customers(target: int, now: dt.datetime, rng: random.Random) -> tuple[int, float]:
    from django.db import transaction

    from postventa.customers.models import Address, Customer, CustomerEmail, CustomerPhone
    from postventa.demo.data import CITIES, CITY_WEIGHTS
    from postventa.demo.people import ascii_slug

    have = CustomerEmail.objects.filter(email__endswith="@" + BENCH_DOMAIN).count()
    if have >= target:
        return 0, 0.0
    first, last, streets, english = name_pools(7)
    english_set = set(english)
    started = time.perf_counter()
    customers, emails, phones, addresses = (
        Inserter(m, now) for m in (Customer, CustomerEmail, CustomerPhone, Address)
    )
    cid, eid, pid, aid = (next_id(m) for m in (Customer, CustomerEmail, CustomerPhone, Address))
    for i in range(have, target):
        f, l1, l2 = rng.choice(first), rng.choice(last), rng.choice(last)
        company = rng.random() < 0.05
        email = f"b{i:07d}.{ascii_slug(f)}.{ascii_slug(l1)}@{BENCH_DOMAIN}"
        created = now - dt.timedelta(days=rng.uniform(0, 900))
        customers.add(
            id=cid,
            kind="company" if company else "person",
            first_name="" if company else f,
            last_name="" if company else f"{l1} {l2}",
            company_name=f"{l1} {rng.choice(['SL', 'SA'])}" if company else "",
            email=email,
            phone=f"+347{i:08d}",
            language="en" if f in english_set else "es",
            created_at=created,
        )
        emails.add(id=eid, customer_id=cid, email=email, is_primary=True)
        phones.add(id=pid, customer_id=cid, number=f"+347{i:08d}", is_primary=True)
        city, region, low, high = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
        addresses.add(
            id=aid,
            customer_id=cid,
            kind="shipping",
            line1=f"{rng.choice(streets)}, {rng.randint(1, 150)}",
            postcode=f"{rng.randint(low, high):05d}",
            city=city,
            region=region,
            country="ES",
            is_default=True,
        )
        cid, eid, pid, aid = cid + 1, eid + 1, pid + 1, aid + 1
        if len(customers.rows) >= CHUNK:
            with transaction.atomic():
                for ins in (customers, emails, phones, addresses):
                    ins.flush()
    with transaction.atomic():
        for ins in (customers, emails, phones, addresses):
            ins.flush()
    reset_sequences([Customer, CustomerEmail, CustomerPhone, Address])
    rows = sum(ins.count for ins in (customers, emails, phones, addresses))
    return rows, time.perf_counter() - started


def _routes():
    from postventa.demo.orderplan import ROUTES
    from postventa.orders import pipeline as pl

    valid = {}
    for status, routes in ROUTES.items():
        ok = [
            r for r in routes if all(pl.is_allowed(a, b) for a, b in zip([pl.INITIAL, *r], r, strict=False))
        ]
        if ok:
            valid[status] = ok
    return valid


def load_orders(target: int, now: dt.datetime, rng: random.Random, progress) -> tuple[int, float, int]:
    from django.db import transaction

    from postventa.catalog.models import Product
    from postventa.customers.models import CustomerEmail, TimelineEntry
    from postventa.demo.orderplan import OLD_WEIGHTS, RECENT_WEIGHTS, STEP_HOURS
    from postventa.orders import pipeline as pl
    from postventa.orders.models import Order, OrderLine, OrderStatusChange

    have = Order.objects.filter(number__startswith=ORDER_PREFIX).count()
    if have >= target:
        return 0, 0.0, have
    customer_ids = list(
        CustomerEmail.objects.filter(email__endswith="@" + BENCH_DOMAIN)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    products = list(Product.objects.values_list("pk", "sku", "name_es", "price"))
    if not customer_ids or not products:
        raise SystemExit("load customers and the demo catalog first")
    # Pareto-ish buyers, capped: the biggest customer has a few thousand orders (a B2B account).
    weights = [min(rng.paretovariate(1.3), 400.0) for _ in customer_ids]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    routes = _routes()
    old_statuses, old_w = list(OLD_WEIGHTS), list(OLD_WEIGHTS.values())
    recent_statuses = [s for s in RECENT_WEIGHTS if s in routes]
    recent_w = [RECENT_WEIGHTS[s] for s in recent_statuses]
    started = time.perf_counter()
    orders, lines, history, timeline = (
        Inserter(m, now) for m in (Order, OrderLine, OrderStatusChange, TimelineEntry)
    )
    oid, lid, hid, tid = (next_id(m) for m in (Order, OrderLine, OrderStatusChange, TimelineEntry))
    customers = rng.choices(customer_ids, cum_weights=cum, k=target - have)
    for n, i in enumerate(range(have, target)):
        age = 730 * (i / target)  # numbers grow with time: older orders first
        age = 730 - age + rng.uniform(-0.5, 0.5)
        if age < 14:
            status = rng.choices(recent_statuses, weights=recent_w)[0]
        else:
            status = rng.choices(old_statuses, weights=old_w)[0]
        placed = now - dt.timedelta(days=max(age, 0.01))
        route = rng.choice(routes.get(status, [[]]))
        subtotal = Decimal("0.00")
        for pos in range(1, rng.choices([1, 2, 3], weights=[60, 28, 12])[0] + 1):
            pk, sku, name, price = products[rng.randrange(len(products))]
            lines.add(
                id=lid,
                order_id=oid,
                position=pos,
                sku=sku,
                product_id=pk,
                description=name,
                quantity=1,
                unit_price=price,
                line_total=price,
            )
            subtotal += price
            lid += 1
        at = placed
        history.add(
            id=hid, order_id=oid, from_status="", to_status=pl.INITIAL, source="import", occurred_at=placed
        )
        hid += 1
        previous = pl.INITIAL
        room = (now - placed).total_seconds() / 3600 * 0.9
        hours = [rng.uniform(*STEP_HOURS.get(s, (1, 24))) for s in route]
        scale = min(1.0, room / sum(hours)) if hours else 1.0
        for s, h in zip(route, hours, strict=True):
            at = at + dt.timedelta(hours=h * scale)
            history.add(
                id=hid, order_id=oid, from_status=previous, to_status=s, source="system", occurred_at=at
            )
            hid += 1
            previous = s
        number = f"{ORDER_PREFIX}{i:07d}"
        customer_id = customers[n]
        orders.add(
            id=oid,
            number=number,
            external_id=f"bench-{i}",
            customer_id=customer_id,
            status=previous,
            placed_at=placed,
            created_at=placed,
            currency="EUR",
            subtotal=subtotal,
            shipping_total=Decimal("0.00"),
            tax_total=(subtotal * Decimal("0.1736")).quantize(Decimal("0.01")),
            total=subtotal,
            ship_name="",
            ship_country="ES",
            status_changed_at=at,
        )
        timeline.add(
            id=tid,
            customer_id=customer_id,
            kind="order.created",
            summary=number,
            occurred_at=placed,
            source_type="order",
            source_id=str(oid),
            data={"number": number, "total": str(subtotal), "currency": "EUR"},
        )
        oid, tid = oid + 1, tid + 1
        if len(orders.rows) >= CHUNK:
            with transaction.atomic():
                for ins in (orders, lines, history, timeline):
                    ins.flush()
            if orders.count % 100_000 == 0:
                rate = orders.count / (time.perf_counter() - started)
                progress(f"  {orders.count:,} orders ({rate:,.0f} orders/s)")
    with transaction.atomic():
        for ins in (orders, lines, history, timeline):
            ins.flush()
    reset_sequences([Order, OrderLine, OrderStatusChange, TimelineEntry])
    rows = sum(ins.count for ins in (orders, lines, history, timeline))
    return rows, time.perf_counter() - started, orders.count


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--fraction", type=float, default=1.0, help="Scale both counts (0.1 = a tenth).")
    args = parser.parse_args(argv)
    customers = int(args.customers * args.fraction)
    orders = int(args.orders * args.fraction)
    db = setup_django()
    print(f"bench database: {db}; {load_note()}")
    from django.db import connection
    from django.utils import timezone

    from postventa.demo import loader

    with Timer() as t:
        migrate_quietly()
    print(f"migrate: {t.seconds:.1f} s")
    # Staff accounts (the HTTP bench signs in as them) and the demo catalog; no demo orders.
    loader.load(customers=0, orders=0)
    now = timezone.now()
    rng = random.Random(20240501)
    c_rows, c_secs = load_customers(customers, now, rng)
    rows = []
    if c_rows:
        rows.append(
            ["customers (+email, phone, address)", f"{c_rows:,}", f"{c_secs:.1f}", f"{c_rows / c_secs:,.0f}"]
        )
        print(f"customers: {c_rows:,} rows in {c_secs:.1f} s")
    o_rows, o_secs, o_count = load_orders(orders, now, rng, print)
    if o_rows:
        rows.append(
            ["orders (+lines, history, timeline)", f"{o_rows:,}", f"{o_secs:.1f}", f"{o_rows / o_secs:,.0f}"]
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if rows:
        print(table(["table group", "rows", "seconds", "rows/s"], rows))
    else:
        print(f"already loaded ({customers:,} customers, {orders:,} orders): nothing to do")
    total_rows = c_rows + o_rows
    total_secs = c_secs + o_secs
    return {
        "customers": customers,
        "orders": orders,
        "rows": total_rows,
        "rows_per_s": total_rows / total_secs if total_secs else None,
        "db": db,
    }


if __name__ == "__main__":
    main()
