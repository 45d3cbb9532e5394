"""Fixtures for WhatsApp tests: the fake Cloud API server, an account pointing at it, a webhook poster."""

from __future__ import annotations

import json

import pytest
from wa_fake import APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, FakeCloudApi, sign


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings; one test checks the Spanish catalog on purpose."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cloud_api():
    fake = FakeCloudApi()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def wa_account(db, cloud_api):
    from postventa.messaging.whatsapp.models import WhatsAppAccount

    return WhatsAppAccount.objects.create(
        name="Tienda", phone_number_id=PHONE_NUMBER_ID, display_phone_number="+34 910 000 000",
        access_token=TOKEN, app_secret=APP_SECRET, verify_token=VERIFY_TOKEN, base_url=cloud_api.base_url,
        api_version="v21.0",
    )  # fmt: skip


@pytest.fixture
def run_whatsapp_jobs():
    """What the worker does after a webhook: run the queued processing job of every stored payload."""
    from postventa.messaging.whatsapp.models import InboundWhatsApp
    from postventa.messaging.whatsapp.tasks import process_inbound_task

    def run() -> list[str]:
        ids = InboundWhatsApp.objects.filter(status="received").order_by("id").values_list("id", flat=True)
        return [process_inbound_task.call_local(pk) for pk in list(ids)]

    return run


@pytest.fixture
def post_webhook(client, run_whatsapp_jobs):
    """POST a signed notification; by default the worker's job then runs (process=False: it does not)."""

    def post(payload, *, signature: str | None = "auto", raw: bytes | None = None, process: bool = True):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {}
        if signature == "auto":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        response = client.generic(
            "POST", "/api/v1/whatsapp/webhook", body, content_type="application/json", headers=headers
        )
        if process:
            run_whatsapp_jobs()
        return response

    return post
