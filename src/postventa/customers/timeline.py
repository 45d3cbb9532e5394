"""Writing to and rendering the customer timeline.

Apps below or beside customers call `timeline_record(...)` inside their own transaction and
register a renderer for their kinds in AppConfig.ready() with `register_kind`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from postventa.customers.models import TimelineEntry

# kind -> fn(entry) -> sentence in the active language
_RENDERERS: dict[str, Callable[[TimelineEntry], str]] = {}
# kind -> icon name used by the console (e.g. "order", "mail", "note")
_ICONS: dict[str, str] = {}


def register_kind(kind: str, render: Callable[[TimelineEntry], str], *, icon: str = "dot") -> None:
    _RENDERERS[kind] = render
    _ICONS[kind] = icon


def render(entry: TimelineEntry) -> str:
    fn = _RENDERERS.get(entry.kind)
    if fn is None:
        return entry.summary or entry.kind
    try:
        return fn(entry)
    except (KeyError, TypeError, ValueError):
        return entry.summary or entry.kind


def icon(entry: TimelineEntry) -> str:
    return _ICONS.get(entry.kind, "dot")


def timeline_record(
    *,
    customer_id: int,
    kind: str,
    summary: str = "",
    data: dict[str, Any] | None = None,
    link: str = "",
    source: tuple[str, Any] | None = None,
    actor=None,
    occurred_at: dt.datetime | None = None,
) -> TimelineEntry:
    import json

    entry = TimelineEntry(
        customer_id=customer_id,
        kind=kind,
        summary=summary[:300],
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        link=link,
        source_type=source[0] if source else "",
        source_id=str(source[1]) if source else "",
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if occurred_at:
        entry.occurred_at = occurred_at
    entry.save()
    return entry
