"""Reads of customers shaped for screens and the API."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound
from postventa.customers.models import (
    Consent,
    ConsentEvent,
    ConsentStatus,
    Customer,
    CustomerEmail,
    CustomerPhone,
    Purpose,
    Segment,
    TimelineEntry,
)
from postventa.customers.normalise import as_pk, has_nul, try_normalise_phone

logger = logging.getLogger(__name__)

# How many search-index matches a list query may add (they go into one `pk IN (...)`).
INDEX_MATCH_LIMIT = 500


def _index_matches(q: str) -> list[int]:
    """Customer ids the search index finds for q (accent-folded, stemmed, last word as prefix).

    Only for queries with letters and no "@": emails, phones and ids keep their exact matching.
    The index may lag or fail; that only loses these extra matches, never the search.
    """
    if "@" in q or not any(ch.isalpha() for ch in q):
        return []
    from postventa.core import search
    from postventa.customers.search_index import KIND

    try:
        with transaction.atomic():  # a savepoint: a failed index query must not poison the outer transaction
            found = search.object_ids(q, kind=KIND, limit=INDEX_MATCH_LIMIT)
    except DatabaseError:
        logger.warning("customer search: the search index failed for a list query", exc_info=True)
        return []
    return [pk for pk in (as_pk(object_id) for object_id in found) if pk is not None]


def customer_get(customer_id, *, include_inactive: bool = True) -> Customer:
    """One customer by id, or NotFound."""
    pk = as_pk(customer_id)
    if pk is None:
        raise NotFound(_("That customer does not exist."))
    qs = Customer.objects.all()
    if not include_inactive:
        qs = qs.filter(erased_at__isnull=True, merged_into__isnull=True)
    customer = qs.filter(pk=pk).first()
    if customer is None:
        raise NotFound(_("That customer does not exist."))
    return customer


def customer_find(*, email: str | None = None, phone: str | None = None) -> Customer | None:
    """The customer owning this email or phone (any of theirs, not only the primary); follows merges."""
    if has_nul([email, phone]):
        return None
    customer_id = None
    if email:
        customer_id = (
            CustomerEmail.objects.filter(email=email.strip().lower())
            .values_list("customer_id", flat=True)
            .first()
        )
    if customer_id is None and phone:
        number = try_normalise_phone(phone)
        if number:
            customer_id = (
                CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True).first()
            )
    if customer_id is None:
        return None
    customer = Customer.objects.filter(pk=customer_id).first()
    # Contacts move on merge, so this loop runs at most once in practice; bounded for safety.
    for _i in range(5):
        if customer is None or customer.merged_into_id is None:
            break
        customer = Customer.objects.filter(pk=customer.merged_into_id).first()
    return customer


def customer_find_by_reference(reference: str) -> Customer:
    """A customer by id or by any of their emails (for the CLI); NotFound with a sentence."""
    reference = (reference or "").strip()
    if reference.isdigit():
        return customer_get(reference)
    if "@" in reference:
        customer = customer_find(email=reference)
        if customer is not None:
            return customer
    raise NotFound(_("No customer has the id or email “%(ref)s”.") % {"ref": reference})


def customer_search(
    *,
    q: str = "",
    email: str = "",
    phone: str = "",
    tag: str = "",
    language: str = "",
    include_inactive: bool = False,
) -> QuerySet[Customer]:
    """Customers for lists: q matches name/company (prefix), any email or phone (exact or prefix).

    Names also match without accents either way ("gomez" finds "Gómez") through the search index.
    """
    qs = Customer.objects.all()
    if has_nul([q, email, phone, tag, language]):
        return qs.none()
    if not include_inactive:
        qs = qs.filter(erased_at__isnull=True, merged_into__isnull=True)
    q = (q or "").strip()
    if q:
        cond = (
            Q(first_name__istartswith=q)
            | Q(last_name__istartswith=q)
            | Q(company_name__istartswith=q)
            | Q(email__istartswith=q.lower())
        )
        if " " in q:
            first, _sep, last = q.partition(" ")
            cond |= Q(first_name__istartswith=first, last_name__istartswith=last.strip())
        if "@" in q:
            cond |= Q(pk__in=CustomerEmail.objects.filter(email__startswith=q.lower()).values("customer_id"))
        digits = "".join(ch for ch in q if ch in "0123456789+")
        if len(digits) >= 6:
            number = try_normalise_phone(q)
            cond |= Q(phone__contains=digits.lstrip("+"))
            if number:
                cond |= Q(pk__in=CustomerPhone.objects.filter(number=number).values("customer_id"))
        # ASCII only: "¹".isdigit() is true but int() refuses it; 18 digits fit a bigint.
        if q.isascii() and q.isdigit() and len(q) <= 18:
            cond |= Q(pk=int(q))
        index_ids = _index_matches(q)
        if index_ids:
            cond |= Q(pk__in=index_ids)
        qs = qs.filter(cond)
    if email:
        qs = qs.filter(pk__in=CustomerEmail.objects.filter(email=email.strip().lower()).values("customer_id"))
    if phone:
        number = try_normalise_phone(phone) or phone.strip()
        qs = qs.filter(pk__in=CustomerPhone.objects.filter(number=number).values("customer_id"))
    if tag:
        qs = qs.filter(
            pk__in=Customer.tags.through.objects.filter(tag__name=tag.strip().lower()).values("customer_id")
        )
    if language:
        qs = qs.filter(language=language)
    return qs.prefetch_related("tags")


def customer_360(customer_id) -> Customer:
    """A customer with everything the 360 header and sections read, in a fixed number of queries."""
    pk = as_pk(customer_id)
    if pk is None:
        raise NotFound(_("That customer does not exist."))
    customer = (
        Customer.objects.select_related("merged_into")
        .prefetch_related("emails", "phones", "addresses", "external_ids", "tags")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise NotFound(_("That customer does not exist."))
    return customer


def timeline_for(customer: Customer) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(customer=customer).select_related("actor")


def consents_for(customer: Customer) -> dict[tuple[str, str], Consent]:
    return {(c.channel, c.purpose): c for c in Consent.objects.filter(customer=customer)}


def consent_history(customer: Customer) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(customer=customer).select_related("actor")


def consent_allows(customer: Customer, channel: str, purpose: str) -> bool:
    """May we contact the customer on `channel` for `purpose`?

    Transactional messages: yes unless explicitly withdrawn. Marketing and surveys: only with a
    recorded grant (LSSI art. 21). Erased or merged customers: never.
    """
    if customer.erased_at is not None or customer.merged_into_id is not None:
        return False
    status = (
        Consent.objects.filter(customer_id=customer.pk, channel=channel, purpose=purpose)
        .values_list("status", flat=True)
        .first()
    )
    if purpose == Purpose.TRANSACTIONAL:
        return status != ConsentStatus.WITHDRAWN
    return status == ConsentStatus.GRANTED


def segment_get(segment_id) -> Segment:
    pk = as_pk(segment_id)
    segment = Segment.objects.filter(pk=pk).first() if pk else None
    if segment is None:
        raise NotFound(_("That segment does not exist."))
    return segment


def segment_members(segment: Segment) -> QuerySet[Customer]:
    from postventa.customers.segments import segment_queryset

    return segment_queryset(segment.definition).prefetch_related("tags")


def segment_count(segment: Segment) -> int:
    from postventa.customers.segments import segment_queryset

    return segment_queryset(segment.definition).count()
