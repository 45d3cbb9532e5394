"""The webhook answers before processing: raw stored, a Huey job queued, the job files the message once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from wa_fake import notification, sign, text_message

from postventa.helpdesk.models import Attachment, Message, Ticket
from postventa.messaging.whatsapp.models import InboundWhatsApp

pytestmark = pytest.mark.django_db


def _image(wamid: str) -> dict:
    return {"from": "34600111222", "id": wamid, "timestamp": "1732530000", "type": "image",
            "image": {"caption": "La puerta", "mime_type": "image/png", "id": "555"}}  # fmt: skip


def test_webhook_answers_200_before_processing_and_queues_the_job(
    client, wa_account, cloud_api, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    from postventa.messaging.whatsapp.tasks import process_inbound_task

    cloud_api.media["555"] = (b"\x89PNG\r\n\x1a\n" + b"1" * 50, "image/png")
    body = json.dumps(notification(messages=[_image("wamid.Q1")])).encode()
    HUEY.flush()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.generic("POST", "/api/v1/whatsapp/webhook", body, content_type="application/json",
                                  headers={"X-Hub-Signature-256": sign(body)})  # fmt: skip
    assert response.status_code == 200
    row = InboundWhatsApp.objects.get()
    assert response.json() == {"status": "received", "id": row.pk}
    # Nothing processed inside the request: no ticket, no media download yet.
    assert row.status == "received" and row.attempts == 0
    assert Ticket.objects.count() == 0 and cloud_api.requests == []
    # The job was queued after the commit, for this row.
    assert len(callbacks) == 1
    queued = HUEY.pending()
    assert [(t.name, t.args) for t in queued] == [("process_inbound_task", (row.pk,))]
    # The worker runs it (call_local: djhuey's db_task would close the test's connection).
    task = HUEY.dequeue()
    assert process_inbound_task.call_local(*task.args) == "processed"
    row.refresh_from_db()
    assert row.status == "processed" and row.message_count == 1 and row.attempts == 1
    message = Message.objects.get(external_id="wamid.Q1")
    assert Attachment.objects.filter(message=message).count() == 1


def test_job_twice_and_payload_delivered_twice_file_the_message_once(post_webhook, wa_account, run_whatsapp_jobs):
    from postventa.messaging.whatsapp.tasks import process_inbound_task

    payload = notification(messages=[text_message("Hola, la nevera", wamid="wamid.D1")])
    first = post_webhook(payload, process=False)
    second = post_webhook(payload, process=False)  # Meta redelivers when it saw no 200 in time
    assert first.status_code == second.status_code == 200
    a, b = InboundWhatsApp.objects.order_by("id")
    assert process_inbound_task.call_local(a.pk) == "processed"
    assert process_inbound_task.call_local(a.pk) == "processed"  # the same job again: nothing more
    assert process_inbound_task.call_local(b.pk) == "ignored"  # the redelivery: known message id
    assert Message.objects.filter(external_id="wamid.D1").count() == 1
    ticket = Ticket.objects.get()
    assert ticket.customer_message_count == 1
    a.refresh_from_db()
    assert a.attempts == 1  # the second run did not even claim it
    assert run_whatsapp_jobs() == []


def test_a_failing_job_leaves_a_retriable_dead_letter(post_webhook, wa_account, admin_user, monkeypatch):
    from postventa.messaging.whatsapp import inbound
    from postventa.messaging.whatsapp.services import inbound_retry
    from postventa.messaging.whatsapp.tasks import process_inbound_task

    post_webhook(notification(messages=[text_message("Hola", wamid="wamid.F1")]), process=False)
    row = InboundWhatsApp.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(inbound, "_receive_one", broken)
    assert process_inbound_task.call_local(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "database hiccup" in row.error and row.attempts == 1
    assert Message.objects.count() == 0
    # A failed row is not picked up again by the job (it waits for an admin)...
    assert process_inbound_task.call_local(row.pk) == "failed"
    monkeypatch.undo()
    # ...who retries it once the cause is fixed.
    row = inbound_retry(acting_user=admin_user, inbound_id=row.pk)
    assert row.status == "processed" and row.attempts == 2
    assert Message.objects.filter(external_id="wamid.F1").count() == 1


def test_bad_signature_and_bad_json_are_still_answered_in_the_request(post_webhook, wa_account):
    payload = notification(messages=[text_message("Hola")])
    assert post_webhook(payload, signature="sha256=00", process=False).status_code == 403
    assert InboundWhatsApp.objects.count() == 0
    response = post_webhook(None, raw=b'{"object": "whatsapp_business_account", "entry": [', process=False)
    assert response.status_code == 400 and response.json()["code"] == "bad_json"
    assert InboundWhatsApp.objects.get().status == "failed"


def test_stale_received_payloads_are_swept(post_webhook, wa_account):
    from postventa.messaging.whatsapp.inbound import process_stale

    post_webhook(notification(messages=[text_message("Hola", wamid="wamid.L1")]), process=False)
    row = InboundWhatsApp.objects.get()
    # A fresh row is left to its own job...
    assert process_stale() == 0
    assert InboundWhatsApp.objects.get().status == "received"
    # ...one whose job was lost is processed by the sweep.
    assert process_stale(now=timezone.now() + dt.timedelta(minutes=6)) == 1
    row.refresh_from_db()
    assert row.status == "processed"
    assert Message.objects.filter(external_id="wamid.L1").count() == 1
