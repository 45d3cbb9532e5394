"""Extension points of the asset and product pages: aftercare adds its sections here.

    register_asset_panel("coverage", _("Warranty coverage"), "console/warranties/_asset_panel.html",
                         lambda asset, user: {"coverage": ...}, order=10)

Same contract as customers.panels: the console renders each registered panel, lowest `order`
first, with the context_fn's dict plus `asset` (or `product`) and `panel`; a context_fn that
returns None hides its panel (e.g. the user lacks the permission).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from postventa.customers.panels import Panel

ASSET_PANELS: dict[str, Panel] = {}
PRODUCT_PANELS: dict[str, Panel] = {}


def register_asset_panel(
    key: str, title: Any, template_name: str, context_fn: Callable[[Any, Any], dict | None], order: int = 100
) -> None:
    ASSET_PANELS[key] = Panel(key, title, template_name, context_fn, order)


def register_product_panel(
    key: str, title: Any, template_name: str, context_fn: Callable[[Any, Any], dict | None], order: int = 100
) -> None:
    PRODUCT_PANELS[key] = Panel(key, title, template_name, context_fn, order)


def _panels(registry: dict[str, Panel], obj, user) -> list[dict[str, Any]]:
    out = []
    for panel in sorted(registry.values(), key=lambda p: (p.order, p.key)):
        context = panel.context_fn(obj, user)
        if context is not None:
            out.append(
                {
                    "key": panel.key,
                    "title": panel.title,
                    "template_name": panel.template_name,
                    "context": context,
                }
            )
    return out


def asset_panels(asset, user) -> list[dict[str, Any]]:
    return _panels(ASSET_PANELS, asset, user)


def product_panels(product, user) -> list[dict[str, Any]]:
    return _panels(PRODUCT_PANELS, product, user)
