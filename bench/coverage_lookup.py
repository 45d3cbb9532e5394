"""Coverage lookup by serial number over 1M registered units (issue 4).

    .venv/bin/python bench/coverage_lookup.py                 # var/bench/coverage.sqlite3, 1M assets
    .venv/bin/python bench/coverage_lookup.py --assets 100000 # smaller
    DATABASE_URL=postgres://... .venv/bin/python bench/coverage_lookup.py

Loads (or reuses) its own dataset with postventa.core.bulk.fast_insert: 20k customers, 400
products over 12 brands (brand commercial plans with published terms, a few second-hand and
digital profiles), 1M assets (a quarter from delivered orders, the rest with a purchase date),
50k extended warranties and 10k repair extensions. Then times coverage_for_serial() for 2,000
random serials (p50/p95/p99, target p95 <= 10 ms) and counts its queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, Timer, load_note, migrate_quietly, summary_ms, table  # noqa: E402

TARGET_P95_MS = 10.0
SERIAL_PREFIX = "CV"
CHUNK = 20_000
BRANDS = [
    "Bosch",
    "Balay",
    "LG",
    "Samsung",
    "Siemens",
    "Teka",
    "HP",
    "Epson",
    "Brother",
    "Apple",
    "Xiaomi",
    "Lenovo",
]


def _chunks(rows_fn, total: int):
    for start in range(0, total, CHUNK):
        yield [rows_fn(i) for i in range(start, min(total, start + CHUNK))]


def load(n_assets: int, seed: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from postventa.aftercare.warranties.models import (
        ExtendedWarranty,
        GuaranteeExtension,
        TermsVersion,
        WarrantyPlan,
        WarrantyProfile,
        WarrantyTerms,
    )
    from postventa.catalog.models import Asset, Product
    from postventa.core.bulk import fast_insert
    from postventa.customers.models import Customer
    from postventa.orders.models import Order, OrderLine

    have = Asset.objects.filter(serial_number__startswith=SERIAL_PREFIX).count()
    if have >= n_assets:
        print(f"reusing {have:,} assets")
        return 0.0
    if have:
        sys.exit(
            f"{have:,} bench assets exist but {n_assets:,} were asked: delete {BENCH_DIR}/coverage.sqlite3"
        )
    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()
    n_customers, n_products = max(1, n_assets // 50), 400
    with transaction.atomic():
        for chunk in _chunks(
            lambda i: {"first_name": f"Cliente{i}", "last_name": "Bench", "email": f"cov{i}@bench.example.com",
                       "time_zone": "Atlantic/Canary" if i % 20 == 0 else "Europe/Madrid"},
            n_customers,
        ):  # fmt: skip
            fast_insert(Customer, chunk)
        fast_insert(
            Product,
            [
                {"sku": f"CV-P{i:04d}", "name_es": f"Producto {i}", "name_en": f"Product {i}",
                 "brand": BRANDS[i % len(BRANDS)], "warranty_months": rng.choice([0, 0, 12, 24, 36]),
                 "manufacturing_ended_on": dt.date(2020 + i % 5, 1 + i % 12, 1) if i % 4 == 0 else None,
                 "currency": "EUR", "is_active": True}
                for i in range(n_products)
            ],
        )  # fmt: skip
    customer_ids = list(
        Customer.objects.filter(email__endswith="@bench.example.com").values_list("pk", flat=True)
    )
    product_ids = list(
        Product.objects.filter(sku__startswith="CV-P").order_by("id").values_list("pk", flat=True)
    )
    with transaction.atomic():
        for i, brand in enumerate(BRANDS):
            terms = WarrantyTerms.objects.create(slug=f"cv-{brand.lower()}", title_es=f"Garantía {brand}")
            TermsVersion.objects.create(terms=terms, number=1, body_es="v1", body_en="v1", status="published",
                                        published_at=now - dt.timedelta(days=3000))  # fmt: skip
            TermsVersion.objects.create(terms=terms, number=2, body_es="v2", body_en="v2", status="published",
                                        published_at=now - dt.timedelta(days=400))  # fmt: skip
            WarrantyPlan.objects.create(kind="commercial", name_es=f"garantía {brand}", brand=brand, terms=terms,
                                        months=24 + 12 * (i % 3))  # fmt: skip
        ext_terms = WarrantyTerms.objects.create(slug="cv-plus", title_es="Plus")
        ext_version = TermsVersion.objects.create(
            terms=ext_terms, number=1, body_es="v1", body_en="v1", status="published", published_at=now
        )
        for pid in product_ids[::20]:
            WarrantyProfile.objects.create(product_id=pid, kind="second_hand", agreed_months=12)
        for pid in product_ids[1::40]:
            WarrantyProfile.objects.create(product_id=pid, kind="digital")
    n_orders = n_assets // 4
    with transaction.atomic():
        for chunk in _chunks(
            lambda i: {"number": f"CV-{i:08d}", "customer_id": customer_ids[i % len(customer_ids)],
                       "status": "delivered", "ship_country": "ES",
                       "placed_at": now - dt.timedelta(days=1 + i % 2000),
                       "status_changed_at": now - dt.timedelta(days=i % 2000, minutes=i % 1440)},
            n_orders,
        ):  # fmt: skip
            fast_insert(Order, chunk)
    order_ids = list(
        Order.objects.filter(number__startswith="CV-").order_by("id").values_list("pk", "customer_id")
    )
    with transaction.atomic():
        for chunk in _chunks(
            lambda i: {"order_id": order_ids[i][0], "product_id": product_ids[i % n_products], "quantity": 1,
                       "position": 1, "sku": ""},
            n_orders,
        ):  # fmt: skip
            fast_insert(OrderLine, chunk)
    line_ids = list(
        OrderLine.objects.filter(order__number__startswith="CV-").order_by("id").values_list("pk", flat=True)
    )

    def asset_row(i: int) -> dict:
        if i < n_orders:
            return {"product_id": product_ids[i % n_products], "customer_id": order_ids[i][1],
                    "serial_number": f"{SERIAL_PREFIX}{i:08d}", "order_line_id": line_ids[i], "source": "order",
                    "purchased_on": None}  # fmt: skip
        return {"product_id": product_ids[i % n_products], "customer_id": customer_ids[i % len(customer_ids)],
                "serial_number": f"{SERIAL_PREFIX}{i:08d}", "source": "staff",
                "purchased_on": dt.date(2019, 1, 1) + dt.timedelta(days=i % 2500)}  # fmt: skip

    for chunk in _chunks(asset_row, n_assets):
        with transaction.atomic():
            fast_insert(Asset, chunk)
    first_asset = (
        Asset.objects.filter(serial_number=f"{SERIAL_PREFIX}{0:08d}").values_list("pk", flat=True).get()
    )
    with transaction.atomic():
        fast_insert(
            ExtendedWarranty,
            [
                {"asset_id": first_asset + i * 20, "name_es": "Plus", "name_en": "Plus", "months": 24,
                 "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2028, 1, 1), "price": "79.00",
                 "currency": "EUR", "terms_version_id": ext_version.pk, "reference": f"cv{i}"}
                for i in range(n_assets // 20)
            ],
        )  # fmt: skip
        fast_insert(
            GuaranteeExtension,
            [
                {"asset_id": first_asset + i * 100 + 3, "source_ref": f"cv-repair:{i}", "jurisdiction_code": "ES",
                 "repair_started_on": dt.date(2025, 3, 1), "repair_completed_on": dt.date(2025, 3, 15),
                 "suspended_days": 14, "fault": "Bomba", "repaired_fault_until": dt.date(2026, 3, 15)}
                for i in range(n_assets // 100)
            ],
        )  # fmt: skip
    return time.perf_counter() - started


def measure(n_assets: int, lookups: int, seed: int) -> tuple[dict, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postventa.aftercare.warranties.coverage import coverage_for_serial

    rng = random.Random(seed + 1)
    serials = [f"{SERIAL_PREFIX}{rng.randrange(n_assets):08d}" for _ in range(lookups)]
    for serial in serials[:50]:  # warm caches and translations
        coverage_for_serial(serial, language="es")
    samples, kinds = [], {"covered": 0, "not covered": 0}
    with Timer() as total:
        for serial in serials:
            start = time.perf_counter()
            coverage = coverage_for_serial(serial, language="es")
            samples.append(time.perf_counter() - start)
            kinds["covered" if coverage.covered else "not covered"] += 1
    with CaptureQueriesContext(connection) as ctx:
        coverage_for_serial(serials[0], language="es")
    kinds["cpu_s"] = round(total.cpu_seconds, 2)
    kinds["wall_s"] = round(total.seconds, 2)
    return summary_ms(samples), len(ctx.captured_queries), kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / "coverage.sqlite3"))
    from common import setup_django

    label = setup_django()
    migrate_quietly()
    seconds = load(args.assets, args.seed)
    if seconds:
        print(f"loaded {args.assets:,} assets in {seconds:.0f} s")
    stats, queries, kinds = measure(args.assets, args.lookups, args.seed)
    verdict = "PASS" if stats["p95"] <= TARGET_P95_MS else "FAIL"
    print(f"coverage_for_serial over {args.assets:,} assets, {args.lookups:,} random serials ({label})")
    print(load_note())
    print(
        table(
            ["lookup", "p50 ms", "p95 ms", "p99 ms", "max ms", "queries", "target p95", "verdict"],
            [["by serial", f"{stats['p50']:.2f}", f"{stats['p95']:.2f}", f"{stats['p99']:.2f}",
              f"{stats['max']:.1f}", queries, f"{TARGET_P95_MS:.0f}", verdict]],
        )
    )  # fmt: skip
    print(f"answers: {kinds['covered']} covered, {kinds['not covered']} not covered; "
          f"{kinds['wall_s']} s wall, {kinds['cpu_s']} s CPU = "
          f"{kinds['cpu_s'] * 1000 / args.lookups:.2f} ms CPU per lookup")  # fmt: skip


if __name__ == "__main__":
    main()
