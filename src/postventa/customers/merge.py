"""Merging a duplicate customer into another, and the registry other apps use to move their rows.

Orders, catalog, helpdesk... register from their AppConfig.ready():

    from postventa.customers.merge import register_merge_mover

    def move_orders(source, target) -> int:
        return Order.objects.filter(customer=source).update(customer=target)

    register_merge_mover("orders", move_orders)

A mover runs inside the merge transaction, after this app moved its own rows and before the
source is marked merged; it returns how many rows it moved (or None). Raising aborts the merge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.models import (
    Consent,
    ConsentEvent,
    Customer,
    CustomerMerge,
    ExternalId,
    TimelineEntry,
)
from postventa.customers.timeline import timeline_record

MERGE_MOVERS: dict[str, Callable[[Customer, Customer], int | None]] = {}

# Plain fields copied from the source when the target has them empty.
_FILL_FIELDS = ("first_name", "last_name", "company_name", "tax_id")


def register_merge_mover(name: str, fn: Callable[[Customer, Customer], int | None]) -> None:
    """Register `fn(source, target)` that re-points this app's rows from source to target."""
    MERGE_MOVERS[name] = fn


def _move_consents(source: Customer, target: Customer) -> int:
    """Move consent state; on a clash the most recent decision wins (a withdrawal is never lost)."""
    moved = 0
    target_rows = {(c.channel, c.purpose): c for c in Consent.objects.filter(customer=target)}
    for consent in Consent.objects.filter(customer=source):
        existing = target_rows.get((consent.channel, consent.purpose))
        if existing is None:
            consent.customer = target
            consent.save(update_fields=["customer"])
        else:
            if consent.changed_at > existing.changed_at:
                for name in ("status", "source", "changed_at", "text_version", "proof"):
                    setattr(existing, name, getattr(consent, name))
                existing.save()
            consent.delete()
        moved += 1
    ConsentEvent.objects.filter(customer=source).update(customer=target)
    return moved


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, acting_user) -> CustomerMerge:
    """Fold `source` (the duplicate) into `target`; the source row stays, marked merged_into."""
    if acting_user is not None:
        require(acting_user, "customers.merge")
    if source.pk == target.pk:
        raise ValidationFailed(_("A customer cannot be merged into itself."), code="merge_same")
    # Lock in pk order so two opposite merges cannot deadlock.
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise NotFound(_("That customer does not exist."))
    source, target = locked[source.pk], locked[target.pk]
    for customer in (source, target):
        if customer.merged_into_id is not None:
            raise Conflict(
                _("Customer #%(id)s was already merged into another customer.") % {"id": customer.pk},
                code="already_merged",
            )
        if customer.erased_at is not None:
            raise Conflict(
                _("Customer #%(id)s was erased and cannot be merged.") % {"id": customer.pk},
                code="customer_erased",
            )

    moved: dict[str, Any] = {}
    moved["emails"] = source.emails.update(customer=target, is_primary=False)
    moved["phones"] = source.phones.update(customer=target, is_primary=False)
    moved["addresses"] = source.addresses.update(customer=target, is_default=False)
    moved["external_ids"] = ExternalId.objects.filter(customer=source).update(customer=target)
    source_tags = list(source.tags.all())
    target.tags.add(*source_tags)
    moved["tags"] = len(source_tags)
    source.tags.clear()
    moved["timeline"] = TimelineEntry.objects.filter(customer=source).update(customer=target)
    moved["consents"] = _move_consents(source, target)

    before = audit.snapshot(target, (*_FILL_FIELDS, "attributes", "notes"))
    for name in _FILL_FIELDS:
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    target.attributes = {**(source.attributes or {}), **(target.attributes or {})}
    if source.notes:
        target.notes = f"{target.notes}\n\n{source.notes}".strip()
    if source.legal_hold_reason and not target.legal_hold_reason:
        target.legal_hold_reason = source.legal_hold_reason
    target.save()

    for name, mover in sorted(MERGE_MOVERS.items()):
        moved[name] = mover(source, target)

    source.merged_into = target
    source.email, source.phone = "", ""
    source.save(update_fields=["merged_into", "email", "phone", "updated_at"])
    from postventa.customers.services import _sync_primary

    _sync_primary(target)

    merge = CustomerMerge.objects.create(
        source=source,
        target=target,
        moved=moved,
        actor=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit.record(
        actor=acting_user,
        action="customer.merged",
        target=target,
        changes={
            "merged_from": [None, source.pk],
            "moved": [None, moved],
            **audit.diff(before, audit.snapshot(target, before)),
        },
    )
    timeline_record(
        customer_id=target.pk,
        kind="customer.merged",
        summary=f"#{source.pk} -> #{target.pk}",
        data={"source_id": source.pk, "source_name": source.display_name, "moved": moved},
        actor=acting_user,
    )
    emit(
        "customer.merged",
        payload={"source_id": source.pk, "target_id": target.pk, "moved": moved},
        customer_id=target.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return merge
