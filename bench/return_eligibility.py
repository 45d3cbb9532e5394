"""Return eligibility per line for an order with several lines, on a database with many orders (issue 4).

    .venv/bin/python bench/return_eligibility.py                  # var/bench/returns.sqlite3, 200k orders
    .venv/bin/python bench/return_eligibility.py --orders 50000   # smaller
    DATABASE_URL=postgres://... .venv/bin/python bench/return_eligibility.py

Loads (or reuses) its own dataset with postventa.core.bulk.fast_insert, in the style of
load_data.py: customers in two time zones, 300 products in 6 categories (one excluded for
hygiene, one with a longer window), N delivered orders of 3-6 lines each (delivered 0-60 days
ago), and returns with lines on every 10th order (so "already returned" has rows to count).
Then times order_eligibility(order) for 2,000 random orders (p50/p95/p99, target p95 <= 20 ms)
and counts its queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, Timer, load_note, migrate_quietly, summary_ms, table  # noqa: E402

TARGET_P95_MS = 20.0
PREFIX = "RB-"
CHUNK = 20_000
CATEGORIES = ["kitchen", "audio", "earphones", "furniture", "garden", "toys"]


def _chunks(rows_fn, total: int):
    for start in range(0, total, CHUNK):
        yield [rows_fn(i) for i in range(start, min(total, start + CHUNK))]


def load(n_orders: int, seed: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from postventa.aftercare.returns.models import (
        CategoryRule,
        ReturnLine,
        ReturnPolicy,
        ReturnReason,
        ReturnRequest,
    )
    from postventa.catalog.models import Category, Product
    from postventa.core.bulk import fast_insert
    from postventa.customers.models import Customer
    from postventa.orders.models import Order, OrderLine

    have = Order.objects.filter(number__startswith=PREFIX).count()
    if have >= n_orders:
        print(f"reusing {have:,} orders")
        return 0.0
    if have:
        sys.exit(
            f"{have:,} bench orders exist but {n_orders:,} were asked: delete {BENCH_DIR}/returns.sqlite3"
        )
    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()
    n_customers = max(1, n_orders // 4)
    with transaction.atomic():
        for chunk in _chunks(
            lambda i: {"first_name": f"Cliente{i}", "last_name": "Bench", "email": f"rb{i}@bench.example.com",
                       "time_zone": "Atlantic/Canary" if i % 10 == 0 else "Europe/Madrid"},
            n_customers,
        ):  # fmt: skip
            fast_insert(Customer, chunk)
        categories = [
            Category.objects.get_or_create(slug=f"rb-{c}", defaults={"name_es": c, "name_en": c})[0]
            for c in CATEGORIES
        ]
        fast_insert(
            Product,
            [
                {"sku": f"RB-P{i:04d}", "name_es": f"Producto {i}", "name_en": f"Product {i}",
                 "category_id": categories[i % len(categories)].pk, "price": Decimal(5 + i % 200),
                 "currency": "EUR", "is_active": True}
                for i in range(300)
            ],
        )  # fmt: skip
        policy = ReturnPolicy.objects.get(is_active=True)
        CategoryRule.objects.get_or_create(
            policy=policy, category=categories[2], defaults={"exclusion": "hygiene"}
        )
        CategoryRule.objects.get_or_create(
            policy=policy,
            category=categories[3],
            defaults={"window_days": 60, "condition_es": "En su embalaje"},
        )
    customer_ids = list(
        Customer.objects.filter(email__endswith="@bench.example.com").values_list("pk", flat=True)
    )
    products = list(
        Product.objects.filter(sku__startswith="RB-P").order_by("id").values_list("pk", "sku", "price")
    )
    with transaction.atomic():
        for chunk in _chunks(
            lambda i: {"number": f"{PREFIX}{i:08d}", "customer_id": customer_ids[i % len(customer_ids)],
                       "status": "delivered", "ship_country": "ES", "currency": "EUR", "total": "300.00",
                       "placed_at": now - dt.timedelta(days=3 + i % 60),
                       "status_changed_at": now - dt.timedelta(days=i % 60, minutes=i % 1440)},
            n_orders,
        ):  # fmt: skip
            fast_insert(Order, chunk)
    order_ids = list(
        Order.objects.filter(number__startswith=PREFIX).order_by("id").values_list("pk", flat=True)
    )
    lines_of = [3 + (i % 4) for i in range(n_orders)]  # 3-6 lines

    def line_rows():
        rows = []
        for i, order_id in enumerate(order_ids):
            for pos in range(lines_of[i]):
                pid, sku, price = products[rng.randrange(len(products))]
                qty = 1 + pos % 3
                rows.append({"order_id": order_id, "product_id": pid, "sku": sku, "description": sku,
                             "position": pos + 1, "quantity": qty, "unit_price": price, "line_total": price * qty})  # fmt: skip
                if len(rows) >= CHUNK:
                    yield rows
                    rows = []
        if rows:
            yield rows

    for rows in line_rows():
        with transaction.atomic():
            fast_insert(OrderLine, rows)
    reason = ReturnReason.objects.get(code="changed_mind")
    returned = order_ids[::10]
    with transaction.atomic():
        fast_insert(
            ReturnRequest,
            [
                {"number": f"RMA-BENCH-{i:07d}", "customer_id": customer_ids[(j * 10) % len(customer_ids)],
                 "order_id": oid, "status": "approved", "reason_id": reason.pk, "resolution": "refund",
                 "channel": "portal", "shipping_paid_by": "customer", "currency": "EUR",
                 "requested_value": "10.00", "refunded_total": "0.00", "requested_at": now, "created_at": now,
                 "updated_at": now, "refund_due_by": now + dt.timedelta(days=14)}
                for i, (j, oid) in enumerate(enumerate(returned))
            ],
        )  # fmt: skip
    request_of = dict(
        ReturnRequest.objects.filter(number__startswith="RMA-BENCH-").values_list("order_id", "pk")
    )
    first_lines = OrderLine.objects.filter(order_id__in=request_of.keys(), position=1).values_list(
        "pk", "order_id", "unit_price"
    )
    rows = [{"request_id": request_of[oid], "order_line_id": pk, "quantity": 1, "unit_price": price}
            for pk, oid, price in first_lines.iterator()]  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        with transaction.atomic():
            fast_insert(ReturnLine, rows[start : start + CHUNK])
    return time.perf_counter() - started


def measure(n_orders: int, checks: int, seed: int) -> tuple[dict, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from postventa.aftercare.returns.eligibility import order_eligibility
    from postventa.orders.models import Order

    rng = random.Random(seed + 1)
    numbers = [f"{PREFIX}{rng.randrange(n_orders):08d}" for _ in range(checks)]
    translation.activate("es")
    counts = {"eligible": 0, "not eligible": 0, "lines": 0}

    def one(number: str):
        # What a page does: find the order by number (with its customer), then check every line.
        order = Order.objects.select_related("customer").get(number=number)
        return order_eligibility(order)

    for number in numbers[:50]:  # warm caches and translations
        one(number)
    samples = []
    with Timer() as total:
        for number in numbers:
            start = time.perf_counter()
            lines = one(number)
            samples.append(time.perf_counter() - start)
            counts["lines"] += len(lines)
            for item in lines:
                counts["eligible" if item.eligible else "not eligible"] += 1
    with CaptureQueriesContext(connection) as ctx:
        one(numbers[0])
    counts["cpu_s"] = round(total.cpu_seconds, 2)
    counts["wall_s"] = round(total.seconds, 2)
    return summary_ms(samples), len(ctx.captured_queries), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / "returns.sqlite3"))
    from common import setup_django

    label = setup_django()
    migrate_quietly()
    seconds = load(args.orders, args.seed)
    if seconds:
        print(f"loaded {args.orders:,} orders in {seconds:.0f} s")
    stats, queries, counts = measure(args.orders, args.checks, args.seed)
    verdict = "PASS" if stats["p95"] <= TARGET_P95_MS else "FAIL"
    print(
        f"order_eligibility over {args.orders:,} orders of 3-6 lines, {args.checks:,} random orders ({label})"
    )
    print(load_note())
    print(
        table(
            ["check", "p50 ms", "p95 ms", "p99 ms", "max ms", "queries", "target p95", "verdict"],
            [["order by number + every line", f"{stats['p50']:.2f}", f"{stats['p95']:.2f}", f"{stats['p99']:.2f}",
              f"{stats['max']:.1f}", queries, f"{TARGET_P95_MS:.0f}", verdict]],
        )
    )  # fmt: skip
    print(f"lines: {counts['lines']:,} checked, {counts['eligible']:,} returnable, {counts['not eligible']:,} not; "
          f"{counts['wall_s']} s wall, {counts['cpu_s']} s CPU = "
          f"{counts['cpu_s'] * 1000 / args.checks:.2f} ms CPU per order")  # fmt: skip


if __name__ == "__main__":
    main()
