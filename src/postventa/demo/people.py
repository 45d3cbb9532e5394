"""Planning the demo customers in memory: names, contacts, addresses, tags, consents.

Everything comes from seeded Faker instances and one random.Random, so the same seed gives the
same customers; each customer's key ("C000042") is its demo external id, which makes reloading
idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

from postventa.demo.data import CITIES, CITY_WEIGHTS, EMAIL_DOMAINS

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
CIF_CONTROL_LETTERS = "JABCDEFGHI"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for email local parts."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def dni(number: int) -> str:
    """A Spanish DNI with its correct control letter."""
    number %= 100_000_000
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


def cif(number: int) -> str:
    """A Spanish company tax id (CIF, type B: limited company) with its control digit."""
    digits = f"{number % 10_000_000:07d}"
    odd = sum(sum(divmod(int(d) * 2, 10)) for d in digits[0::2])
    even = sum(int(d) for d in digits[1::2])
    control = (10 - (odd + even) % 10) % 10
    return f"B{digits}{control}"


def spanish_mobile(index: int) -> str:
    # 7919 is prime, so index -> number is one-to-one below 10^8: phones never collide.
    return f"+346{(12_345_678 + index * 7919) % 100_000_000:08d}"


@dataclass
class AddressPlan:
    line1: str
    postcode: str
    city: str
    region: str


@dataclass
class CustomerPlan:
    key: str
    index: int
    kind: str
    first_name: str
    last_name: str
    company_name: str
    tax_id: str
    email: str
    phone: str
    language: str
    time_zone: str
    address: AddressPlan
    billing: AddressPlan | None
    weight: float  # how much this customer buys relative to others
    marketing: str  # "", "granted" or "withdrawn"
    surveys: bool
    sms: bool
    quiet: bool
    tags: list[str] = field(default_factory=list)
    created_at: dt.datetime | None = None
    order_count: int = 0

    @property
    def display_name(self) -> str:
        if self.kind == "company":
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip()


def _address(fake: Faker, rng: random.Random) -> AddressPlan:
    city, region, low, high = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    street = fake.street_name()
    number = rng.randint(1, 180)
    extra = rng.choice(
        ["", "", f", {rng.randint(1, 9)}º {rng.choice('ABCD')}", f", {rng.randint(1, 6)}º izq."]
    )
    return AddressPlan(f"{street}, {number}{extra}"[:200], f"{rng.randint(low, high):05d}", city, region)


def plan_customers(count: int, *, seed: int) -> list[CustomerPlan]:
    """`count` customers: ~8% companies, ~10% English-speaking, the rest Spanish persons."""
    rng = random.Random(seed)
    fake_es = Faker("es_ES")
    fake_es.seed_instance(seed)
    fake_en = Faker("en_GB")
    fake_en.seed_instance(seed + 1)
    plans: list[CustomerPlan] = []
    for i in range(count):
        roll = rng.random()
        kind = "company" if roll < 0.08 else "person"
        english = kind == "person" and roll > 0.90
        fake = fake_en if english else fake_es
        first = fake.first_name()
        last = fake.last_name() if english else f"{fake_es.last_name()} {fake_es.last_name()}"
        company = ""
        domain = EMAIL_DOMAINS[i % len(EMAIL_DOMAINS)]
        if kind == "company":
            company = fake_es.company()
            email = (
                f"{rng.choice(['info', 'compras', 'administracion'])}.{i}@{ascii_slug(company)[:30]}.{domain}"
            )
            tax_id = cif(rng.randrange(10_000_000))
        else:
            local = f"{ascii_slug(first)}.{ascii_slug(last.split()[0])}{i}"
            email = f"{local}@{domain}"
            tax_id = dni(rng.randrange(100_000_000)) if rng.random() < 0.35 else ""
        address = _address(fake_es, rng)
        billing = _address(fake_es, rng) if kind == "company" and rng.random() < 0.5 else None
        marketing_roll = rng.random()
        marketing = "granted" if marketing_roll < 0.40 else ""
        if marketing and rng.random() < 0.15:
            marketing = "withdrawn"
        plans.append(
            CustomerPlan(
                key=f"C{i + 1:06d}",
                index=i,
                kind=kind,
                first_name=first if kind == "person" else "",
                last_name=last if kind == "person" else "",
                company_name=company,
                tax_id=tax_id,
                email=email.lower(),
                phone=spanish_mobile(i) if rng.random() < 0.85 else "",
                language="en" if english else "es",
                time_zone="Europe/London" if english and rng.random() < 0.3 else "Europe/Madrid",
                address=address,
                billing=billing,
                weight=rng.paretovariate(1.6) * (3 if kind == "company" else 1),
                marketing=marketing,
                surveys=rng.random() < 0.55,
                sms=rng.random() < 0.5,
                quiet=rng.random() < 0.2,
            )
        )
    # Tags that depend on the whole population: the biggest buyers are "vip".
    by_weight = sorted(plans, key=lambda p: -p.weight)
    for plan in by_weight[: max(1, count // 20)]:
        plan.tags.append("vip")
    for plan in plans:
        if plan.kind == "company":
            plan.tags.append("b2b")
        if plan.marketing == "granted":
            plan.tags.append("newsletter")
        if plan.language == "en":
            plan.tags.append("english")
    return plans


def assign_created_at(
    plans: list[CustomerPlan], first_order: dict[int, dt.datetime], *, now: dt.datetime, seed: int
) -> None:
    """A customer exists before their first order; customers without orders signed up any time."""
    rng = random.Random(seed + 7)
    for plan in plans:
        first = first_order.get(plan.index)
        if first is not None:
            plan.created_at = first - dt.timedelta(days=rng.uniform(0, 45), minutes=rng.randint(5, 600))
        else:
            plan.created_at = now - dt.timedelta(days=rng.uniform(1, 730))
        if plan.order_count >= 5 and "recurrente" not in plan.tags:
            plan.tags.append("recurrente")
