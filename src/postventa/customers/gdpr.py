"""GDPR: export everything about a customer, and erase (anonymise) their personal data.

Other apps take part through postventa.core.registry (register_gdpr): every exporter's data is
included under "apps", every eraser runs inside the erase transaction, and any hold refuses it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit, registry
from postventa.core.errors import Conflict
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.models import (
    Consent,
    ConsentEvent,
    Customer,
    CustomerEmail,
    CustomerPhone,
    TimelineEntry,
)
from postventa.customers.timeline import timeline_record

EXPORT_FORMAT = "postventa.customer-export/1"


def _customer_data(c: Customer) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "company_name": c.company_name,
        "tax_id": c.tax_id,
        "email": c.email,
        "phone": c.phone,
        "language": c.language,
        "time_zone": c.time_zone,
        "attributes": c.attributes,
        "notes": c.notes,
        "quiet_start": c.quiet_start,
        "quiet_end": c.quiet_end,
        "max_messages_per_week": c.max_messages_per_week,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "erased_at": c.erased_at,
        "merged_into": c.merged_into_id,
    }


def customer_export_data(customer: Customer) -> dict[str, Any]:
    """Everything held about the customer, JSON-safe. No permission check: see customer_export."""
    c = Customer.objects.prefetch_related("emails", "phones", "addresses", "external_ids", "tags").get(
        pk=customer.pk
    )
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": _customer_data(c),
        "emails": [
            {"email": e.email, "primary": e.is_primary, "verified_at": e.verified_at} for e in c.emails.all()
        ],
        "phones": [{"number": p.number, "label": p.label, "primary": p.is_primary} for p in c.phones.all()],
        "addresses": [
            {
                "kind": a.kind,
                "line1": a.line1,
                "line2": a.line2,
                "postcode": a.postcode,
                "city": a.city,
                "region": a.region,
                "country": a.country,
                "default": a.is_default,
            }
            for a in c.addresses.all()
        ],
        "external_ids": [{"system": x.system, "value": x.value} for x in c.external_ids.all()],
        "tags": [t.name for t in c.tags.all()],
        "consents": [
            {
                "channel": x.channel,
                "purpose": x.purpose,
                "status": x.status,
                "source": x.source,
                "changed_at": x.changed_at,
                "text_version": x.text_version,
                "proof": x.proof,
            }
            for x in Consent.objects.filter(customer=c)
        ],
        "consent_history": [
            {
                "channel": x.channel,
                "purpose": x.purpose,
                "status": x.status,
                "source": x.source,
                "occurred_at": x.occurred_at,
                "text_version": x.text_version,
                "proof": x.proof,
            }
            for x in ConsentEvent.objects.filter(customer=c).order_by("occurred_at", "id")
        ],
        "timeline": [
            {"occurred_at": t.occurred_at, "kind": t.kind, "summary": t.summary, "data": t.data}
            for t in TimelineEntry.objects.filter(customer=c).order_by("occurred_at", "id")
        ],
        "merged_from": [
            _customer_data(m) for m in Customer.objects.filter(pk__in=_merged_source_ids(c)).order_by("pk")
        ],
        "apps": {name: exporter(c) for name, exporter in sorted(registry.GDPR_EXPORTERS.items())},
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def customer_export(*, customer: Customer, acting_user) -> dict[str, Any]:
    """The export as a dict, audited (who exported whose data is itself worth recording)."""
    if acting_user is not None:
        require(acting_user, "customers.export")
    data = customer_export_data(customer)
    audit.record(actor=acting_user, action="customer.exported", target=customer)
    return data


def _anonymise_row(customer: Customer, now) -> None:
    customer.first_name = ""
    customer.last_name = ""
    customer.company_name = ""
    customer.tax_id = ""
    customer.email = ""
    customer.phone = ""
    customer.attributes = {}
    customer.notes = ""
    customer.quiet_start = customer.quiet_end = None
    customer.erased_at = now


def _merged_source_ids(customer: Customer) -> list[int]:
    """Every customer merged into this one, directly or through a chain of merges."""
    found: list[int] = []
    frontier = [customer.pk]
    while frontier and len(found) < 10_000:
        frontier = list(Customer.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        found += frontier
    return found


def erase_holds(customer: Customer) -> list[str]:
    """Reasons the customer may not be erased now (empty list: erasable)."""
    reasons = []
    if customer.legal_hold_reason:
        reasons.append(customer.legal_hold_reason)
    for _name, hold in sorted(registry.GDPR_HOLDS.items()):
        reason = hold(customer)
        if reason:
            reasons.append(str(reason))
    return reasons


@transaction.atomic
def customer_erase(*, customer: Customer, acting_user) -> Customer:
    """Anonymise personal data; keep the row, ids, dates and non-personal aggregates."""
    if acting_user is not None:
        require(acting_user, "customers.erase")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        raise Conflict(_("This customer's personal data was already erased."), code="already_erased")
    reasons = erase_holds(customer)
    if reasons:
        raise Conflict(
            _("This customer cannot be erased while a legal hold applies: %(reasons)s")
            % {"reasons": "; ".join(reasons)},
            code="legal_hold",
            extra={"reasons": reasons},
        )
    CustomerEmail.objects.filter(customer=customer).delete()
    CustomerPhone.objects.filter(customer=customer).delete()
    customer.addresses.all().delete()
    customer.external_ids.all().delete()
    customer.tags.clear()
    # Timeline text may quote the customer; keep only what happened and when.
    TimelineEntry.objects.filter(customer=customer).update(summary="", data={}, link="")
    # Consent proof can hold an IP or a form URL; keep the decision and its date.
    Consent.objects.filter(customer=customer).update(proof={})
    ConsentEvent.objects.filter(customer=customer).update(proof={})
    now = timezone.now()
    _anonymise_row(customer, now)
    customer.save()
    # Duplicates merged into this customer keep their old names and notes on their own rows.
    merged_ids = _merged_source_ids(customer)
    for source in Customer.objects.filter(pk__in=merged_ids):
        _anonymise_row(source, now)
        source.save()
        TimelineEntry.objects.filter(customer=source).update(summary="", data={}, link="")
    for _name, eraser in sorted(registry.GDPR_ERASERS.items()):
        eraser(customer)
    audit.record(actor=acting_user, action="customer.erased", target=customer, target_repr=f"#{customer.pk}")
    timeline_record(customer_id=customer.pk, kind="customer.erased", actor=acting_user)
    emit(
        "customer.erased",
        payload={"customer_id": customer.pk},
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return customer
