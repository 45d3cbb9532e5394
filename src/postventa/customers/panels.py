"""Extension point of the customer 360 page: other apps add panels (orders, assets, tickets).

    register_panel("orders", _("Orders"), "console/orders/_customer_panel.html",
                   lambda customer, user: {"orders": ...}, order=10)

The console renders every registered panel, lowest `order` first, with the template receiving the
context_fn's dict plus `customer` and `panel`. A panel whose context_fn returns None is skipped
(e.g. the user lacks the permission to see it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any  # str or lazy translation
    template_name: str
    context_fn: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


PANELS: dict[str, Panel] = {}


def register_panel(
    key: str,
    title: Any,
    template_name: str,
    context_fn: Callable[[Any, Any], dict[str, Any] | None],
    order: int = 100,
) -> None:
    """Register (or replace, by key) a panel on the customer 360 page."""
    PANELS[key] = Panel(key, title, template_name, context_fn, order)


def panels_for(customer, user) -> list[dict[str, Any]]:
    """The panels to show, each as {"key", "title", "template_name", "context"}."""
    out = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context_fn(customer, user)
        if context is None:
            continue
        out.append(
            {"key": panel.key, "title": panel.title, "template_name": panel.template_name, "context": context}
        )
    return out
