"""The /api/v1/webhooks endpoints through Django's test client with real API tokens."""

from __future__ import annotations

import core_helpers
import pytest

from postventa.core import webhooks
from postventa.core.events import emit, register_event_type
from postventa.core.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db
http_sink = core_helpers.http_sink

register_event_type("test.api", "A test-only event for the API")

BASE = "/api/v1/webhooks/"


def token_client(client, user, scopes):
    from postventa.accounts.tokens import token_create

    _, secret = token_create(acting_user=user, owner=user, name=f"t-{'-'.join(scopes)}", scopes=scopes)
    headers = {"Authorization": f"Bearer {secret}"}

    class Api:
        def get(self, path, **params):
            return client.get(path, params, headers=headers)

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", headers=headers)

        def patch(self, path, data=None):
            return client.patch(path, data or {}, content_type="application/json", headers=headers)

        def delete(self, path):
            return client.delete(path, headers=headers)

    return Api()


def test_create_list_retrieve_update_delete(api, http_sink):
    created = api.post(
        BASE,
        {"name": "ERP", "url": http_sink.url, "event_types": ["test.api"], "allow_private_network": True},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    sid = body["id"]

    listed = api.get(BASE)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [sid]
    assert "secret" not in listed.json()["items"][0]
    assert listed.json()["next_cursor"] is None

    got = api.get(f"{BASE}{sid}")
    assert got.status_code == 200 and got.json()["secret"] == body["secret"]

    patched = api.patch(f"{BASE}{sid}", {"name": "ERP 2", "event_types": ["*"]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "ERP 2" and patched.json()["event_types"] == ["*"]
    assert WebhookSubscription.objects.get(pk=sid).url == http_sink.url

    rotated = api.post(f"{BASE}{sid}/rotate-secret")
    assert rotated.status_code == 200 and rotated.json()["secret"] != body["secret"]

    assert api.delete(f"{BASE}{sid}").status_code == 204
    assert api.get(f"{BASE}{sid}").status_code == 404
    assert not WebhookSubscription.objects.exists()


def test_bad_input_is_a_4xx_with_detail_and_code(api):
    cases = [
        ({"name": "x", "url": "ftp://example.com", "event_types": ["*"]}, "bad_url"),
        ({"name": "x", "url": "http://10.0.0.1/", "event_types": ["*"]}, "private_url"),
        ({"name": "x", "url": "https://93.184.215.14/", "event_types": []}, "no_event_types"),
        ({"name": "x", "url": "https://93.184.215.14/", "event_types": ["nope"]}, "unknown_event_types"),
        ({"name": " ", "url": "https://93.184.215.14/", "event_types": ["*"]}, "no_name"),
    ]
    for payload, code in cases:
        response = api.post(BASE, payload)
        assert response.status_code == 422, (payload, response.content)
        assert response.json()["code"] == code
    assert api.post(BASE, {"name": "x"}).status_code == 422
    assert api.get(f"{BASE}999999").status_code == 404
    assert api.patch(f"{BASE}999999", {"name": "y"}).status_code == 404
    assert api.get(BASE, cursor="garbage!").status_code == 422
    assert api.get(BASE, page_size=0).status_code == 422
    assert not WebhookSubscription.objects.exists()


def test_event_types_lists_registered_types(api):
    response = api.get(f"{BASE}event-types")

    assert response.status_code == 200
    types = {item["type"]: item["description"] for item in response.json()}
    assert types["test.api"] == "A test-only event for the API"
    assert "webhook.test" not in types


def test_deliveries_are_paged_and_redeliverable(
    api, admin_user, http_sink, drain_outbox, django_assert_max_num_queries
):
    subscription = webhooks.webhook_subscription_create(
        acting_user=admin_user,
        name="ERP",
        url=http_sink.url,
        event_types=["test.api"],
        allow_private_network=True,
    )
    for n in range(3):
        emit("test.api", payload={"n": n})
    drain_outbox()
    webhooks.deliver_due()

    with django_assert_max_num_queries(8):
        first = api.get(f"{BASE}{subscription.pk}/deliveries", page_size=2)
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["event_type"] == "test.api"
    assert page["items"][0]["status"] == "delivered"
    second = api.get(f"{BASE}{subscription.pk}/deliveries", page_size=2, cursor=page["next_cursor"])
    assert len(second.json()["items"]) == 1 and second.json()["next_cursor"] is None
    ids = [i["id"] for i in page["items"] + second.json()["items"]]
    assert sorted(ids) == sorted(WebhookDelivery.objects.values_list("id", flat=True))
    assert api.get(f"{BASE}{subscription.pk}/deliveries", status="nope").status_code == 422

    redo = api.post(f"{BASE}{subscription.pk}/deliveries/{ids[0]}/redeliver")
    assert redo.status_code == 200
    assert redo.json()["status"] == "pending"
    other = webhooks.webhook_subscription_create(
        acting_user=admin_user, name="Other", url=http_sink.url, event_types=["*"], allow_private_network=True
    )
    assert api.post(f"{BASE}{other.pk}/deliveries/{ids[0]}/redeliver").status_code == 404


def test_test_endpoint_sends_now(api, admin_user, http_sink):
    subscription = webhooks.webhook_subscription_create(
        acting_user=admin_user, name="ERP", url=http_sink.url, event_types=["*"], allow_private_network=True
    )

    response = api.post(f"{BASE}{subscription.pk}/test")

    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    assert response.json()["response_status"] == 200
    assert len(http_sink.requests) == 1


def test_scopes_and_permissions(client, admin_user, supervisor, http_sink):
    subscription = webhooks.webhook_subscription_create(
        acting_user=admin_user, name="ERP", url=http_sink.url, event_types=["*"], allow_private_network=True
    )
    reader = token_client(client, admin_user, ["webhooks:read"])
    outsider_scope = token_client(client, admin_user, ["customers:read", "customers:write"])
    supervisor_api = token_client(client, supervisor, ["webhooks:read", "webhooks:write"])

    assert reader.get(BASE).status_code == 200
    assert reader.get(f"{BASE}{subscription.pk}").json()["secret"] is None  # readers never see the secret
    assert reader.post(BASE, {"name": "x", "url": http_sink.url, "event_types": ["*"]}).status_code == 403
    assert reader.delete(f"{BASE}{subscription.pk}").status_code == 403
    assert outsider_scope.get(BASE).status_code == 403
    assert supervisor_api.get(BASE).status_code == 403  # the role lacks webhooks.manage
    assert supervisor_api.post(f"{BASE}{subscription.pk}/test").status_code == 403
    assert client.get(BASE).status_code == 401
    assert WebhookSubscription.objects.count() == 1
