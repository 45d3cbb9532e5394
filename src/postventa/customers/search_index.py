"""Customers in the global search: name, company, emails, phones, tags, tax id.

Kept current by an outbox receiver (created, updated, merged, erased); an erased or merged-away
customer has no document. Registered from CustomersConfig.ready() via `register()`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from postventa.core import search
from postventa.core.events import Event, receiver
from postventa.customers.models import Customer

KIND = "customer"


def customer_document(object_id) -> dict | None:
    """The search fields of one customer, or None when it must not be found."""
    customer = (
        Customer.objects.filter(pk=object_id, erased_at__isnull=True, merged_into__isnull=True)
        .prefetch_related("emails", "phones", "tags")
        .first()
    )
    if customer is None:
        return None
    phones = []
    for phone in customer.phones.all():
        digits = "".join(ch for ch in phone.number if ch.isdigit())
        # "+34 600 123 456" is found as typed and as 600123456 (without the country code).
        phones += [phone.number, digits, digits[2:] if phone.number.startswith("+34") else ""]
    parts = [
        customer.company_name if customer.company_name != customer.display_name else "",
        " ".join(sorted({customer.email, *(e.email for e in customer.emails.all())} - {""})),
        " ".join(p for p in dict.fromkeys(phones) if p),
        customer.tax_id,
        " ".join(f"#{t.name}" for t in customer.tags.all()),
    ]
    return {
        "title": customer.display_name,
        "body": " · ".join(p for p in parts if p),
        "language": customer.language,
        "customer_id": customer.pk,
        "team_id": None,
    }


def _all_ids():
    return (
        Customer.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )


def on_customer_event(event: Event) -> None:
    payload = event.payload or {}
    if event.type == "customer.merged":
        for key in ("source_id", "target_id"):  # the source is merged away: refresh removes it
            if payload.get(key) is not None:
                search.refresh(KIND, payload[key])
        return
    customer_id = payload.get("customer_id") or event.customer_id
    if customer_id is None:
        return
    if event.type == "customer.erased":
        search.remove_document(KIND, customer_id)
    else:
        search.refresh(KIND, customer_id)


def register() -> None:
    search.register_indexer(
        KIND,
        customer_document,
        all_ids=_all_ids,
        permission="customers.view",
        label=_("Customers"),
        url_name="console:customer_detail",
    )
    receiver(
        "customer.created",
        "customer.updated",
        "customer.merged",
        "customer.erased",
        key="customers.search_index",
    )(on_customer_event)
