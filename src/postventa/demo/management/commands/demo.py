"""`postventa demo`: load the demo shop (idempotent; `--once` does nothing if it was loaded)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from postventa.demo import loader
from postventa.demo.logins import DEMO_USERS


class Command(BaseCommand):
    help = "Load a realistic demo shop: staff, customers, products, two years of orders. Sends nothing."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do nothing if the demo was already loaded.")
        parser.add_argument(
            "--scale", choices=sorted(loader.SCALES), default="full",
            help="small: 60 customers / 300 orders; full: 600 customers / 3,600 orders.",
        )  # fmt: skip
        parser.add_argument("--customers", type=int, help="How many customers (overrides --scale).")
        parser.add_argument("--orders", type=int, help="How many orders (overrides --scale).")
        parser.add_argument("--seed", type=int, default=loader.DEFAULT_SEED, help="Same seed, same shop.")

    def handle(
        self, *args, once: bool, scale: str, customers: int | None, orders: int | None, seed: int, **options
    ):
        if once and loader.demo_loaded():
            self.stdout.write("The demo shop is already loaded; nothing to do.")
            return
        default_customers, default_orders = loader.SCALES[scale]
        customers = default_customers if customers is None else customers
        orders = default_orders if orders is None else orders
        if customers < 0 or orders < 0 or customers > 1_000_000 or orders > 5_000_000:
            raise CommandError("--customers and --orders must be between 0 and a few million.")
        if orders and not customers:
            raise CommandError("Orders need customers: give --customers a positive number.")
        verbose = options.get("verbosity", 1) > 1
        result = loader.load(
            customers=customers, orders=orders, seed=seed,
            progress=(lambda msg: self.stdout.write(f"  {msg}")) if verbose else (lambda _msg: None),
        )  # fmt: skip
        added = result.added
        self.stdout.write(
            f"Demo shop loaded in {result.seconds:.1f} s: "
            + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in added.items())
            + " added."
        )
        if not any(added.values()):
            self.stdout.write("  (everything was already there)")
        self.stdout.write("  Demo logins (username / password):")
        for username, password, role in DEMO_USERS:
            self.stdout.write(f"    {username:<12} {password:<22} {role}")
