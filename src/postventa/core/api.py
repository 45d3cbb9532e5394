"""REST endpoints of the shared kernel, mounted at /api/v1/webhooks: outbound webhook subscriptions.

Every endpoint needs the `webhooks.manage` permission; API tokens also need `webhooks:read`
(reads) or `webhooks:write` (changes).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from ninja import Field, Router, Schema, Status

from postventa.core import webhooks
from postventa.core.pagination import keyset_page

router = Router(tags=["webhooks"])


class EventTypeOut(Schema):
    type: str
    description: str


class SubscriptionIn(Schema):
    name: str = Field(..., max_length=120)
    url: str = Field(..., max_length=500)
    event_types: list[str] = Field(..., max_length=200)
    is_active: bool = True
    allow_private_network: bool = False


class SubscriptionPatch(Schema):
    name: str | None = Field(None, max_length=120)
    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = Field(None, max_length=200)
    is_active: bool | None = None
    allow_private_network: bool | None = None


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    is_active: bool
    allow_private_network: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class SubscriptionSecretOut(SubscriptionOut):
    secret: str | None = Field(None, description="Shown only to holders of webhooks:write.")


class SubscriptionPage(Schema):
    items: list[SubscriptionOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: int
    subscription_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    response_status: int | None
    response_body: str
    last_error: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_event_id(obj) -> str:
        return str(obj.event_id)

    @staticmethod
    def resolve_event_type(obj) -> str:
        return obj.event.type


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


def _page_size(page_size: int | None) -> int:
    return settings.API_PAGE_SIZE if page_size is None else page_size


@router.get("/event-types", response=list[EventTypeOut], summary="Event types a subscription can receive")
def event_types(request):
    webhooks.require_read(request.auth)
    return [{"type": t, "description": d} for t, d in webhooks.event_type_list()]


@router.get("/", response=SubscriptionPage, summary="List webhook subscriptions")
def list_subscriptions(request, cursor: str | None = None, page_size: int | None = None):
    page = keyset_page(
        webhooks.subscription_list(user=request.auth), cursor=cursor, page_size=_page_size(page_size)
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/", response={201: SubscriptionSecretOut}, summary="Create a subscription (returns its secret)")
def create_subscription(request, payload: SubscriptionIn):
    subscription = webhooks.webhook_subscription_create(acting_user=request.auth, **payload.dict())
    return Status(201, subscription)


@router.get(
    "/{int:subscription_id}", response=SubscriptionSecretOut, summary="A subscription with its secret"
)
def get_subscription(request, subscription_id: int):
    subscription = webhooks.subscription_get(user=request.auth, subscription_id=subscription_id)
    # The secret lets its reader forge deliveries: only writers see it.
    data = SubscriptionOut.from_orm(subscription).dict()
    data["secret"] = subscription.secret if webhooks.can_manage(request.auth) else None
    return data


@router.patch("/{int:subscription_id}", response=SubscriptionOut, summary="Change a subscription")
def update_subscription(request, subscription_id: int, payload: SubscriptionPatch):
    return webhooks.webhook_subscription_update(
        acting_user=request.auth, subscription_id=subscription_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/{int:subscription_id}", response={204: None}, summary="Delete a subscription")
def delete_subscription(request, subscription_id: int):
    webhooks.webhook_subscription_delete(acting_user=request.auth, subscription_id=subscription_id)
    return Status(204, None)


@router.post(
    "/{int:subscription_id}/rotate-secret", response=SubscriptionSecretOut, summary="Replace the secret"
)
def rotate_secret(request, subscription_id: int):
    return webhooks.webhook_subscription_rotate_secret(
        acting_user=request.auth, subscription_id=subscription_id
    )


@router.post("/{int:subscription_id}/test", response=DeliveryOut, summary="Send a test event now")
def send_test(request, subscription_id: int):
    return webhooks.webhook_subscription_test_send(acting_user=request.auth, subscription_id=subscription_id)


@router.get("/{int:subscription_id}/deliveries", response=DeliveryPage, summary="Delivery log, newest first")
def list_deliveries(
    request,
    subscription_id: int,
    status: str | None = None,
    cursor: str | None = None,
    page_size: int | None = None,
):
    qs = webhooks.delivery_list(user=request.auth, subscription_id=subscription_id, status=status)
    page = keyset_page(qs, cursor=cursor, page_size=_page_size(page_size))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/{int:subscription_id}/deliveries/{int:delivery_id}/redeliver",
    response=DeliveryOut,
    summary="Queue a delivery again",
)
def redeliver(request, subscription_id: int, delivery_id: int):
    webhooks.subscription_get(user=request.auth, subscription_id=subscription_id)
    return webhooks.webhook_delivery_redeliver(
        acting_user=request.auth, delivery_id=delivery_id, subscription_id=subscription_id
    )
