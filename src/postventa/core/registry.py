"""Small registries that cross-cutting features use, filled by each app's AppConfig.ready().

customers never imports orders to export a customer: orders registers its exporter here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# name -> fn(customer) -> JSON-able data about that customer held by the registering app
GDPR_EXPORTERS: dict[str, Callable[[Any], Any]] = {}
# name -> fn(customer) -> None; anonymises the app's personal data of that customer
GDPR_ERASERS: dict[str, Callable[[Any], None]] = {}
# name -> fn(customer) -> str | None; a reason the customer may not be erased (legal hold)
GDPR_HOLDS: dict[str, Callable[[Any], str | None]] = {}


def register_gdpr(
    name: str,
    *,
    exporter: Callable[[Any], Any] | None = None,
    eraser: Callable[[Any], None] | None = None,
    hold: Callable[[Any], str | None] | None = None,
) -> None:
    if exporter:
        GDPR_EXPORTERS[name] = exporter
    if eraser:
        GDPR_ERASERS[name] = eraser
    if hold:
        GDPR_HOLDS[name] = hold
