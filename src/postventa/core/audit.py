"""The audit log of staff actions: who changed what, when, old -> new."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from postventa.core.middleware import client_ip
from postventa.core.models import AuditEntry


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, to diff after a change."""
    return {name: getattr(instance, name) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed, JSON-safe."""
    import json

    changed = {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
    return json.loads(json.dumps(changed, cls=DjangoJSONEncoder))


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
) -> AuditEntry:
    """Write one audit row. Call inside the service's transaction, after the change."""
    import json

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:300]
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=(actor.get_username() if actor_obj else (str(actor) if actor else "system"))[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:300],
        changes=json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
        ip_address=client_ip(),
    )
