"""Planning the demo orders in memory: dates, statuses with a legal history, lines, shipments.

Older orders are mostly delivered; the last two weeks are spread over every status of the
pipeline (the first recent orders cycle through all of them, so even a small demo shows each).
Every history is checked against orders.pipeline, so it stays legal if the pipeline changes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from postventa.demo.data import CARRIER_WEIGHTS, CARRIERS, CATEGORIES, ProductDef
from postventa.orders import pipeline as pl

CENT = Decimal("0.01")
VAT = Decimal("1.21")
FREE_SHIPPING_FROM = Decimal("50.00")
SHIPPING_FEE = Decimal("4.95")
RECENT_DAYS = 14

# Statuses an order can still be in after some days: (min age, max age) in days.
RECENT_AGE = {
    pl.PENDING_PAYMENT: (0.01, 2),
    pl.PAID: (0.05, 3),
    pl.PREPARING: (0.2, 5),
    pl.SHIPPED: (1, 7),
    pl.OUT_FOR_DELIVERY: (2, 6),
    pl.DELIVERED: (2, RECENT_DAYS),
    pl.DELIVERY_FAILED: (3, 10),
    pl.RETURNED: (8, RECENT_DAYS),
    pl.REJECTED: (0.1, RECENT_DAYS),
    pl.CANCELLED: (0.2, RECENT_DAYS),
}
RECENT_WEIGHTS = {
    pl.PENDING_PAYMENT: 8, pl.PAID: 10, pl.PREPARING: 12, pl.SHIPPED: 14, pl.OUT_FOR_DELIVERY: 8,
    pl.DELIVERED: 30, pl.DELIVERY_FAILED: 4, pl.RETURNED: 3, pl.REJECTED: 3, pl.CANCELLED: 6,
}  # fmt: skip
OLD_WEIGHTS = {pl.DELIVERED: 86, pl.CANCELLED: 6, pl.RETURNED: 5, pl.REJECTED: 3}

_SHIP = [pl.PAID, pl.PREPARING, pl.SHIPPED]
ROUTES: dict[str, list[list[str]]] = {
    pl.PENDING_PAYMENT: [[]],
    pl.PAID: [[pl.PAID]],
    pl.PREPARING: [[pl.PAID, pl.PREPARING]],
    pl.SHIPPED: [_SHIP],
    pl.OUT_FOR_DELIVERY: [[*_SHIP, pl.OUT_FOR_DELIVERY]],
    pl.DELIVERED: [[*_SHIP, pl.OUT_FOR_DELIVERY, pl.DELIVERED], [*_SHIP, pl.DELIVERED]],
    pl.DELIVERY_FAILED: [[*_SHIP, pl.OUT_FOR_DELIVERY, pl.DELIVERY_FAILED]],
    pl.RETURNED: [[*_SHIP, pl.OUT_FOR_DELIVERY, pl.DELIVERY_FAILED, pl.RETURNED]],
    pl.REJECTED: [[pl.REJECTED]],
    pl.CANCELLED: [[pl.CANCELLED], [pl.PAID, pl.CANCELLED], [pl.PAID, pl.PREPARING, pl.CANCELLED]],
}
# Typical hours from the previous step to this one (low, high).
STEP_HOURS = {
    pl.PAID: (0.05, 3), pl.PREPARING: (2, 20), pl.SHIPPED: (8, 30), pl.OUT_FOR_DELIVERY: (18, 50),
    pl.DELIVERED: (2, 9), pl.DELIVERY_FAILED: (3, 8), pl.RETURNED: (72, 150), pl.REJECTED: (0.2, 30),
    pl.CANCELLED: (1, 30),
}  # fmt: skip
CARRIER_STEP = {pl.SHIPPED, pl.OUT_FOR_DELIVERY, pl.DELIVERED, pl.DELIVERY_FAILED, pl.RETURNED}
NOTES = {
    pl.REJECTED: "Pago rechazado por la entidad bancaria.",
    pl.CANCELLED: "Cancelado a petición del cliente.",
    pl.DELIVERY_FAILED: "Destinatario ausente.",
    pl.RETURNED: "Devuelto al remitente tras dos intentos de entrega.",
}


@dataclass
class StepPlan:
    from_status: str
    to_status: str
    at: dt.datetime
    source: str  # OrderStatusChange.Source value
    by_staff: bool = False
    note: str = ""


@dataclass
class LinePlan:
    product: int  # index into PRODUCTS
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class OrderPlan:
    seq: int
    customer: int  # index into the customer plans
    placed_at: dt.datetime
    status: str
    steps: list[StepPlan]
    lines: list[LinePlan] = field(default_factory=list)
    carrier: str = ""

    @property
    def number(self) -> str:
        return f"PV-{100_000 + self.seq}"

    @property
    def external_id(self) -> str:
        return f"shop-{100_000 + self.seq}"

    @property
    def tracking_number(self) -> str:
        return f"{self.carrier[:3].upper()}{70_000_000 + self.seq * 37:010d}"

    def step_time(self, status: str) -> dt.datetime | None:
        for step in self.steps:
            if step.to_status == status:
                return step.at
        return None

    def totals(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """subtotal, shipping, tax (included in prices, Spanish VAT 21%), total."""
        subtotal = sum((line.total for line in self.lines), Decimal("0.00"))
        shipping = Decimal("0.00") if subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
        total = subtotal + shipping
        tax = (total - total / VAT).quantize(CENT, rounding=ROUND_HALF_UP)
        return subtotal, shipping, tax, total


def legal_route(status: str, rng: random.Random) -> list[str]:
    """A chain of statuses from the initial one to `status` that the pipeline allows."""
    candidates = ROUTES.get(status, [])
    route = rng.choice(candidates) if candidates else []
    chain = [pl.INITIAL, *route]
    if all(pl.is_allowed(a, b) for a, b in zip(chain, chain[1:], strict=False)) and chain[-1] == status:
        return route
    return pl.path_to(pl.INITIAL, status) or []


def _steps(placed: dt.datetime, route: list[str], now: dt.datetime, rng: random.Random) -> list[StepPlan]:
    hours = [rng.uniform(*STEP_HOURS.get(status, (1, 24))) for status in route]
    room = (now - placed).total_seconds() / 3600 * 0.95
    if sum(hours) > room:  # a young order moved faster than usual: squeeze its history
        factor = room / sum(hours)
        hours = [h * factor for h in hours]
    steps = [StepPlan("", pl.INITIAL, placed, "import")]
    at = placed
    previous = pl.INITIAL
    for status, h in zip(route, hours, strict=True):
        at = at + dt.timedelta(hours=h)
        if status in CARRIER_STEP:
            source, staff = "carrier", False
        elif status == pl.PREPARING or (status == pl.CANCELLED and previous != pl.INITIAL):
            source, staff = "staff", True
        else:
            source, staff = "system", False
        steps.append(StepPlan(previous, status, at, source, staff, NOTES.get(status, "")))
        previous = status
    return steps


def _lines(placed: dt.date, products: list[ProductDef], rng: random.Random) -> list[LinePlan]:
    by_category: dict[str, list[int]] = {}
    for i, product in enumerate(products):
        if product.ended is None or product.ended >= placed:
            by_category.setdefault(product.category, []).append(i)
    categories = [c for c in CATEGORIES if c.slug in by_category]
    weights = [c.weight for c in categories]
    count = rng.choices([1, 2, 3], weights=[60, 28, 12])[0]
    lines: list[LinePlan] = []
    chosen: set[int] = set()
    for _ in range(count):
        category = rng.choices(categories, weights=weights)[0]
        index = rng.choice(by_category[category.slug])
        if index in chosen:
            continue
        chosen.add(index)
        product = products[index]
        quantity = rng.choice([1, 1, 2, 3]) if product.category == "accesorios" else 1
        price = product.price
        if rng.random() < 0.15:  # a promotion
            price = (price * (1 - Decimal(rng.choice([5, 10, 15])) / 100)).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
        lines.append(LinePlan(index, quantity, price))
    return lines


def plan_orders(
    count: int, *, customer_weights: list[float], products: list[ProductDef], now: dt.datetime, seed: int
) -> list[OrderPlan]:
    """`count` orders over the last two years, numbered in the order they were placed."""
    if count <= 0 or not customer_weights:
        return []
    rng = random.Random(seed + 101)
    statuses = list(pl.STATUSES)
    recent = max(len(statuses) * 2, int(count * 0.12))
    drafts: list[tuple[float, str]] = []  # (age in days, final status)
    for i in range(count):
        if i < recent:
            if i < len(statuses):
                status = statuses[i]  # every status at least once
            else:
                pool = [s for s in statuses if s in RECENT_WEIGHTS]
                status = rng.choices(pool, weights=[RECENT_WEIGHTS[s] for s in pool])[0]
            low, high = RECENT_AGE.get(status, (1, RECENT_DAYS))
            age = rng.uniform(low, high)
        else:
            status = rng.choices(list(OLD_WEIGHTS), weights=list(OLD_WEIGHTS.values()))[0]
            age = RECENT_DAYS + (730 - RECENT_DAYS) * rng.random() ** 1.3
        drafts.append((age, status))
    drafts.sort(key=lambda d: -d[0])  # oldest first: numbers grow with time
    customers = rng.choices(range(len(customer_weights)), weights=customer_weights, k=count)
    plans: list[OrderPlan] = []
    for seq, ((age, status), customer) in enumerate(zip(drafts, customers, strict=True), start=1):
        placed = now - dt.timedelta(days=age)
        placed = placed.replace(second=rng.randint(0, 59), microsecond=0)
        route = legal_route(status, rng)
        steps = _steps(placed, route, now, rng)
        plan = OrderPlan(seq, customer, placed, steps[-1].to_status, steps)
        plan.lines = _lines(placed.date(), products, rng)
        if pl.SHIPPED in route:
            plan.carrier = rng.choices([c for c, _ in CARRIERS], weights=CARRIER_WEIGHTS)[0]
        plans.append(plan)
    return plans
