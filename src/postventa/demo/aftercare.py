"""Demo aftercare records: warranties, claims, returns, repairs, plans, maintenance, take-back.

Each domain keeps its demo rows in its own module (demo/aftercare_<label>.py) with
`load(*, now, seed) -> int`: idempotent, written through the domain's services inside the demo's
transaction, sending nothing (outbox events marked done, as demo.tickets does). They run in
dependency order: warranty terms before claims, repairs before the plans that pay for them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util

DOMAINS = ("warranties", "repairs", "payment_plans", "returns", "claims", "maintenance", "takeback")


def load_aftercare(*, now: dt.datetime, seed: int) -> dict[str, int]:
    added: dict[str, int] = {}
    for label in DOMAINS:
        name = f"postventa.demo.aftercare_{label}"
        if importlib.util.find_spec(name) is None:
            continue
        added[label] = importlib.import_module(name).load(now=now, seed=seed)
    return added
