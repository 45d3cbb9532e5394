"""Turning the automation settings forms into the services' condition and action objects."""

from __future__ import annotations

from typing import Any

LIST_FIELDS = ("keywords", "categories", "products", "customer_tags", "segments")
CHOICE_FIELDS = ("channels", "languages", "priorities", "statuses")


def conditions_from(post, keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        if key in CHOICE_FIELDS:
            values = post.getlist(key)
        else:
            values = [v.strip() for v in post.get(key, "").replace(";", ",").split(",") if v.strip()]
        if values:
            out[key] = values
    return out


def actions_from(post, keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        if key == "remind":
            if post.get("remind"):
                out["remind"] = True
            continue
        value = post.get(f"action_{key}", "").strip()
        if value:
            out[key] = value
    return out


def as_text(values: Any) -> str:
    return ", ".join(str(v) for v in values or [])
