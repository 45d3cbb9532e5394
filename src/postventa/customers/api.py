"""REST endpoints of this app (mounted in postventa.api at /api/v1/customers)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from postventa.core.errors import PermissionDenied
from postventa.core.pagination import keyset_page
from postventa.core.permissions import permissions_of, require
from postventa.customers import consents, gdpr, merge, segments, selectors, services
from postventa.customers import schemas as s
from postventa.customers.models import Channel, Customer, Purpose, Segment
from postventa.customers.timeline import render

router = Router(tags=["customers"])


def _customer_out(c: Customer) -> dict[str, Any]:
    return {
        **{f: getattr(c, f) for f in s.CustomerOut.model_fields if hasattr(c, f) and f not in _RELATED},
        "emails": [e.email for e in c.emails.all()],
        "phones": [p.number for p in c.phones.all()],
        "tags": [t.name for t in c.tags.all()],
        "external_ids": {x.system: x.value for x in c.external_ids.all()},
        "addresses": list(c.addresses.all()),
    }


_RELATED = {"emails", "phones", "tags", "external_ids", "addresses"}


def _load(customer_id: int) -> Customer:
    return selectors.customer_360(customer_id)


def _require_segments_read(user) -> None:
    """No "segments.view" permission exists: reading needs customers.view, and a token the segments scope."""
    scopes = getattr(user, "_api_scopes", None)
    allowed = "customers.view" in permissions_of(user)
    if scopes is not None and not ({"segments:read", "segments:write"} & set(scopes)):
        allowed = False
    if not allowed:
        raise PermissionDenied(
            _("You do not have permission to do this."), extra={"permission": "segments:read"}
        )


class PageParams(Schema):
    cursor: str | None = None
    page_size: int = 50


class ListFilters(Schema):
    q: str = ""
    email: str = ""
    phone: str = ""
    tag: str = ""
    language: str = ""
    cursor: str | None = None
    page_size: int = 50


@router.get("/", response=s.CustomerPage)
def customer_list(request: HttpRequest, filters: Query[ListFilters]):
    require(request.user, "customers.view")
    qs = selectors.customer_search(
        q=filters.q, email=filters.email, phone=filters.phone, tag=filters.tag, language=filters.language
    )
    page = keyset_page(qs, cursor=filters.cursor, page_size=filters.page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/", response={201: s.CustomerOut})
def customer_create(request: HttpRequest, payload: s.CustomerIn):
    customer = services.customer_create(acting_user=request.user, **payload.dict())
    return Status(201, _customer_out(_load(customer.pk)))


@router.post("/merge", response=s.MergeOut)
def customer_merge(request: HttpRequest, payload: s.MergeIn):
    require(request.user, "customers.merge")
    source = selectors.customer_get(payload.source_id)
    target = selectors.customer_get(payload.target_id)
    row = merge.customer_merge(source=source, target=target, acting_user=request.user)
    return {"source_id": row.source_id, "target_id": row.target_id, "moved": row.moved}


# Segments come before /{customer_id} only for readability: the int converter keeps them apart.
@router.get("/segments", response=s.SegmentPage, tags=["segments"])
def segment_list(request: HttpRequest, params: Query[PageParams]):
    _require_segments_read(request.user)
    page = keyset_page(Segment.objects.all(), cursor=params.cursor, page_size=params.page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/segments", response={201: s.SegmentOut}, tags=["segments"])
def segment_create(request: HttpRequest, payload: s.SegmentIn):
    segment = segments.segment_create(acting_user=request.user, **payload.dict())
    return Status(201, segment)


@router.post("/segments/preview", response=s.CountOut, tags=["segments"])
def segment_preview(request: HttpRequest, payload: s.SegmentPreviewIn):
    _require_segments_read(request.user)
    return {"count": segments.segment_queryset(payload.definition).count()}


@router.get("/segments/{segment_id}", response=s.SegmentOut, tags=["segments"])
def segment_get(request: HttpRequest, segment_id: int):
    _require_segments_read(request.user)
    return selectors.segment_get(segment_id)


@router.patch("/segments/{segment_id}", response=s.SegmentOut, tags=["segments"])
def segment_update(request: HttpRequest, segment_id: int, payload: s.SegmentPatch):
    segment = selectors.segment_get(segment_id)
    return segments.segment_update(
        segment=segment, acting_user=request.user, **payload.dict(exclude_unset=True)
    )


@router.delete("/segments/{segment_id}", response={204: None}, tags=["segments"])
def segment_delete(request: HttpRequest, segment_id: int):
    segments.segment_delete(segment=selectors.segment_get(segment_id), acting_user=request.user)
    return Status(204, None)


@router.get("/segments/{segment_id}/count", response=s.CountOut, tags=["segments"])
def segment_count(request: HttpRequest, segment_id: int):
    _require_segments_read(request.user)
    return {"count": selectors.segment_count(selectors.segment_get(segment_id))}


@router.get("/segments/{segment_id}/members", response=s.CustomerPage, tags=["segments"])
def segment_members(request: HttpRequest, segment_id: int, params: Query[PageParams]):
    _require_segments_read(request.user)
    qs = selectors.segment_members(selectors.segment_get(segment_id))
    page = keyset_page(qs, cursor=params.cursor, page_size=params.page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{customer_id}", response=s.CustomerOut)
def customer_get(request: HttpRequest, customer_id: int):
    require(request.user, "customers.view")
    return _customer_out(_load(customer_id))


@router.patch("/{customer_id}", response=s.CustomerOut)
def customer_update(request: HttpRequest, customer_id: int, payload: s.CustomerPatch):
    customer = selectors.customer_get(customer_id)
    data = payload.dict(exclude_unset=True)
    tags = data.pop("tags", None)
    require(request.user, "customers.change")
    with transaction.atomic():  # fields and tags change together or not at all
        if data:
            services.customer_update(customer=customer, acting_user=request.user, data=data)
        if tags is not None:
            services.customer_tags_set(customer=customer, acting_user=request.user, tags=tags)
    return _customer_out(_load(customer_id))


@router.post("/{customer_id}/emails", response={201: s.CustomerOut})
def email_add(request: HttpRequest, customer_id: int, payload: s.EmailIn):
    customer = selectors.customer_get(customer_id)
    services.customer_email_add(
        customer=customer, acting_user=request.user, email=payload.email, primary=payload.primary
    )
    return Status(201, _customer_out(_load(customer_id)))


@router.delete("/{customer_id}/emails/{email}", response=s.CustomerOut)
def email_remove(request: HttpRequest, customer_id: int, email: str):
    services.customer_email_remove(
        customer=selectors.customer_get(customer_id), acting_user=request.user, email=email
    )
    return _customer_out(_load(customer_id))


@router.post("/{customer_id}/phones", response={201: s.CustomerOut})
def phone_add(request: HttpRequest, customer_id: int, payload: s.PhoneIn):
    customer = selectors.customer_get(customer_id)
    services.customer_phone_add(
        customer=customer,
        acting_user=request.user,
        phone=payload.phone,
        primary=payload.primary,
        label=payload.label,
    )
    return Status(201, _customer_out(_load(customer_id)))


@router.delete("/{customer_id}/phones/{phone}", response=s.CustomerOut)
def phone_remove(request: HttpRequest, customer_id: int, phone: str):
    services.customer_phone_remove(
        customer=selectors.customer_get(customer_id), acting_user=request.user, phone=phone
    )
    return _customer_out(_load(customer_id))


@router.post("/{customer_id}/addresses", response={201: s.AddressOut})
def address_add(request: HttpRequest, customer_id: int, payload: s.AddressIn):
    customer = selectors.customer_get(customer_id)
    return Status(
        201, services.customer_address_add(customer=customer, acting_user=request.user, **payload.dict())
    )


@router.delete("/{customer_id}/addresses/{address_id}", response=s.CustomerOut)
def address_remove(request: HttpRequest, customer_id: int, address_id: int):
    customer = selectors.customer_get(customer_id)
    services.customer_address_remove(customer=customer, acting_user=request.user, address_id=address_id)
    return _customer_out(_load(customer_id))


def _consents_out(customer: Customer) -> dict[str, Any]:
    return {
        "current": list(selectors.consents_for(customer).values()),
        "allowed": {
            f"{ch}/{pu}": selectors.consent_allows(customer, ch, pu)
            for ch in Channel.values
            for pu in Purpose.values
        },
        "history": list(selectors.consent_history(customer)[:200]),
    }


@router.get("/{customer_id}/consents", response=s.ConsentsOut)
def consent_list(request: HttpRequest, customer_id: int):
    require(request.user, "customers.view")
    return _consents_out(selectors.customer_get(customer_id))


@router.post("/{customer_id}/consents/grant", response=s.ConsentsOut)
def consent_grant(request: HttpRequest, customer_id: int, payload: s.ConsentIn):
    customer = selectors.customer_get(customer_id)
    consents.consent_grant(customer=customer, acting_user=request.user, **payload.dict())
    return _consents_out(customer)


@router.post("/{customer_id}/consents/withdraw", response=s.ConsentsOut)
def consent_withdraw(request: HttpRequest, customer_id: int, payload: s.ConsentIn):
    customer = selectors.customer_get(customer_id)
    consents.consent_withdraw(customer=customer, acting_user=request.user, **payload.dict())
    return _consents_out(customer)


@router.get("/{customer_id}/timeline", response=s.TimelinePage)
def timeline_list(request: HttpRequest, customer_id: int, params: Query[PageParams]):
    require(request.user, "customers.view")
    customer = selectors.customer_get(customer_id)
    page = keyset_page(
        selectors.timeline_for(customer),
        cursor=params.cursor,
        page_size=params.page_size,
        order_field="occurred_at",
    )
    items = [
        {
            "id": e.id,
            "occurred_at": e.occurred_at,
            "kind": e.kind,
            "text": render(e),
            "link": e.link,
            "data": e.data,
        }
        for e in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


@router.post("/{customer_id}/notes", response={201: s.TimelineItem})
def note_add(request: HttpRequest, customer_id: int, payload: s.NoteIn):
    entry = services.customer_note_add(
        customer=selectors.customer_get(customer_id), acting_user=request.user, text=payload.text
    )
    return Status(
        201,
        {
            "id": entry.id,
            "occurred_at": entry.occurred_at,
            "kind": entry.kind,
            "text": render(entry),
            "link": entry.link,
            "data": entry.data,
        },
    )


@router.get("/{customer_id}/export", response=dict[str, Any])
def customer_export(request: HttpRequest, customer_id: int):
    return gdpr.customer_export(customer=selectors.customer_get(customer_id), acting_user=request.user)


@router.post("/{customer_id}/erase", response=s.CustomerOut)
def customer_erase(request: HttpRequest, customer_id: int):
    gdpr.customer_erase(customer=selectors.customer_get(customer_id), acting_user=request.user)
    return _customer_out(_load(customer_id))
