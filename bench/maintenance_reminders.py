"""Maintenance reminders for 1M assets: time the set-based scheduler (issue 4, target <= 60 s).

    .venv/bin/python bench/maintenance_reminders.py                  # var/bench/maintenance.sqlite3
    .venv/bin/python bench/maintenance_reminders.py --assets 100000  # a smaller run
    DATABASE_URL=postgres://... .venv/bin/python bench/maintenance_reminders.py

Loads (once, resumable) 100k customers in three time zones, 12 products with maintenance (plans
with consumables and failure points, and products that only have a default interval) and N assets
with purchase dates over the last four years, 10% of them delivered through an order. Then it
empties the reminders table and times postventa.aftercare.maintenance.schedule.schedule_reminders
building every asset's next reminders, then a second (idempotent) run that must insert nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, Timer, load_note, migrate_quietly, table  # noqa: E402

CUSTOMERS = 100_000
ZONES = ("Europe/Madrid", "Atlantic/Canary", "America/New_York")
SKU_PREFIX = "BM-"


def load(n_assets: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from postventa.aftercare.maintenance.models import Consumable, FailurePoint, MaintenancePlan
    from postventa.catalog.models import Asset, Product
    from postventa.core.bulk import fast_insert
    from postventa.customers.models import Customer
    from postventa.orders.models import Order, OrderLine

    rng = random.Random(4)
    now = timezone.now()
    products = list(Product.objects.filter(sku__startswith=SKU_PREFIX).order_by("pk"))
    if not products:
        with transaction.atomic():
            for i in range(12):
                p = Product.objects.create(sku=f"{SKU_PREFIX}{i:02d}", name_es=f"Aparato {i}", name_en=f"Appliance {i}",
                                           maintenance_interval_months=(6, 12, 24)[i % 3])
                products.append(p)
                if i % 2 == 0:  # half have their own plan
                    plan = MaintenancePlan.objects.create(product=p, interval_months=12, lead_days=14)
                    Consumable.objects.create(plan=plan, name_es="Filtro", name_en="Filter", period_months=6)
                    FailurePoint.objects.create(plan=plan, component_es="Bomba", after_months=18,
                                                message_es="Revise la bomba.")
    have_customers = Customer.objects.filter(email__endswith="@bm.example.com").count()
    if have_customers < CUSTOMERS:
        with Timer() as t, transaction.atomic():
            fast_insert(Customer, ({"first_name": f"C{i}", "last_name": "Bench", "email": f"c{i}@bm.example.com",
                                    "time_zone": ZONES[i % 3], "language": "es", "created_at": now, "attributes": {}}
                                   for i in range(have_customers, CUSTOMERS)), batch=5000)  # fmt: skip
        print(f"customers: {CUSTOMERS - have_customers:,} in {t.seconds:.1f} s")
    cust_ids = list(Customer.objects.filter(email__endswith="@bm.example.com").values_list("pk", flat=True))
    have = Asset.objects.filter(product__sku__startswith=SKU_PREFIX).count()
    if have >= n_assets:
        return
    today = now.date()
    with Timer() as t:
        chunk = 50_000
        for start in range(have, n_assets, chunk):
            rows, orders, lines, link = [], [], [], []
            for i in range(start, min(start + chunk, n_assets)):
                cid = cust_ids[i % len(cust_ids)]
                rows.append({"product_id": products[i % len(products)].pk, "customer_id": cid,
                             "serial_number": f"S{i:08d}", "purchased_on": today - dt.timedelta(days=rng.randint(1, 1460)),
                             "source": "staff", "created_at": now, "notes": "", "proof_of_purchase": ""})  # fmt: skip
                if i % 10 == 0:
                    delivered = now - dt.timedelta(days=rng.randint(1, 1460), minutes=rng.randint(0, 1439))
                    orders.append({"number": f"BM-{i:08d}", "customer_id": cid, "status": "delivered",
                                   "placed_at": delivered - dt.timedelta(days=3), "status_changed_at": delivered,
                                   "created_at": now})  # fmt: skip
                    link.append((f"BM-{i:08d}", f"S{i:08d}", products[i % len(products)]))
            with transaction.atomic():
                fast_insert(Asset, rows, batch=5000)
                if orders:
                    fast_insert(Order, orders, batch=5000)
                    ids = dict(Order.objects.filter(number__in=[o["number"] for o in orders]).values_list("number", "pk"))
                    for number, _serial, product in link:
                        lines.append({"order_id": ids[number], "sku": product.sku, "product_id": product.pk,
                                      "quantity": 1, "description": ""})  # fmt: skip
                    fast_insert(OrderLine, lines, batch=5000)
                    line_ids = dict(OrderLine.objects.filter(order_id__in=list(ids.values())).values_list("order_id", "pk"))
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            f"UPDATE {Asset._meta.db_table} SET order_line_id = %s WHERE serial_number = %s",  # noqa: S608
                            [(line_ids[ids[number]], serial) for number, serial, _p in link],
                        )
            print(f"  assets {min(start + chunk, n_assets):,}/{n_assets:,}", flush=True)
    print(f"assets: {n_assets - have:,} in {t.seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / "maintenance.sqlite3"))
    from common import setup_django

    label = setup_django()
    migrate_quietly()
    print(f"database {label}; {load_note()}")
    load(args.assets)

    from django.db import connection
    from django.utils import timezone

    from postventa.aftercare.maintenance import schedule
    from postventa.aftercare.maintenance.models import MaintenanceReminder
    from postventa.catalog.models import Asset

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MaintenanceReminder._meta.db_table}")  # noqa: S608
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assets = Asset.objects.count()
    now = timezone.now()
    with Timer() as first:
        result = schedule.schedule_reminders(now=now)
    with Timer() as second:
        again = schedule.schedule_reminders(now=now)
    rows = [
        ["first run (empty table)", f"{result['assets']:,}", f"{result['reminders']:,}", f"{first.seconds:.1f}",
         f"{first.cpu_seconds:.1f}", f"{result['assets'] / first.seconds:,.0f}"],
        ["second run (idempotent)", f"{again['assets']:,}", f"{again['reminders']:,}", f"{second.seconds:.1f}",
         f"{second.cpu_seconds:.1f}", f"{again['assets'] / second.seconds:,.0f}"],
    ]  # fmt: skip
    out = table(["run", "assets", "reminders inserted", "wall s", "cpu s", "assets/s"], rows)
    verdict = "PASS" if first.seconds <= 60 else "FAIL"
    print(out)
    print(f"target <= 60 s for {assets:,} assets: {verdict}")
    if not args.no_results:
        note = load_note()
        results = Path(__file__).resolve().parent / "RESULTS.md"
        with results.open("a") as fh:
            fh.write(f"\n## Maintenance reminders (issue 4)\n\n`bench/maintenance_reminders.py`, {label.split(':')[0]}, "
                     f"{assets:,} assets, {note}:\n\n| run | assets | reminders inserted | wall s | cpu s | assets/s |\n"
                     "|---|---|---|---|---|---|\n")  # fmt: skip
            for r in rows:
                fh.write("| " + " | ".join(r) + " |\n")
            fh.write(f"\nTarget <= 60 s: **{verdict}**. Set-based: assets read in id-ordered chunks of 20,000 as "
                     "tuples, dates computed in Python (delivery day in the customer's zone), one multi-row "
                     "INSERT ... ON CONFLICT DO NOTHING per chunk on the unique (asset, kind, item, due date).\n")  # fmt: skip


if __name__ == "__main__":
    main()
