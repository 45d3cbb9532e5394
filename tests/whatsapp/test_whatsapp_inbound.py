"""Webhook in: signature, handshake, raw storage, tickets, threading, duplicates, media, statuses."""

from __future__ import annotations

import json

import pytest
from wa_fake import VERIFY_TOKEN, notification, sign, text_message

from postventa.helpdesk.models import Attachment, Message, Ticket
from postventa.messaging.whatsapp.models import InboundWhatsApp, WhatsAppContact

pytestmark = pytest.mark.django_db


def test_verification_handshake_echoes_the_challenge(client, wa_account):
    ok = client.get("/api/v1/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert ok.status_code == 200
    assert ok.content == b"1158201444"
    bad = client.get("/api/v1/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert bad.status_code == 403
    wrong_mode = client.get("/api/v1/whatsapp/webhook", {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"})
    assert wrong_mode.status_code == 403


def test_missing_or_bad_signature_writes_nothing(post_webhook, wa_account):
    payload = notification(messages=[text_message("Hola")])
    assert post_webhook(payload, signature=None).status_code == 401
    assert post_webhook(payload, signature=sign(b"other body")).status_code == 403
    assert post_webhook(payload, signature=sign(json.dumps(payload).encode(), "wrong-secret")).status_code == 403
    assert post_webhook(payload, signature="md5=abc").status_code == 403
    assert InboundWhatsApp.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_text_message_creates_customer_and_ticket(post_webhook, wa_account):
    response = post_webhook(notification(messages=[text_message("Mi lavadora no centrifuga", wamid="wamid.A1")]))
    assert response.status_code == 200
    row = InboundWhatsApp.objects.get()
    assert row.status == "processed" and row.message_count == 1
    assert json.loads(row.raw)["entry"][0]["id"] == "102290129340398"
    ticket = Ticket.objects.get()
    assert ticket.channel == "whatsapp"
    assert ticket.customer.phone == "+34600111222"
    assert ticket.customer.first_name == "Lucía" and ticket.customer.last_name == "Pérez"
    message = ticket.messages.get()
    assert message.body_text == "Mi lavadora no centrifuga"
    assert message.external_id == "wamid.A1"
    assert message.direction == "inbound" and message.data["wa_id"] == "34600111222"
    contact = WhatsAppContact.objects.get()
    assert contact.customer_id == ticket.customer_id and contact.last_inbound_at is not None


def test_second_message_threads_and_duplicate_is_ignored(post_webhook, wa_account):
    post_webhook(notification(messages=[text_message("Hola", wamid="wamid.1")]))
    post_webhook(notification(messages=[text_message("¿Seguís ahí?", wamid="wamid.2")]))
    again = post_webhook(notification(messages=[text_message("Hola", wamid="wamid.1")]))
    assert again.status_code == 200
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert [m.body_text for m in ticket.messages.all()] == ["Hola", "¿Seguís ahí?"]
    assert ticket.customer_message_count == 2
    assert InboundWhatsApp.objects.order_by("id").last().status == "ignored"


def test_another_customer_gets_another_ticket(post_webhook, wa_account):
    post_webhook(notification(messages=[text_message("Hola", wamid="wamid.x")]))
    post_webhook(notification(messages=[text_message("Buenas", wamid="wamid.y", wa_id="34611222333")], wa_id="34611222333", name="Pau"))
    assert Ticket.objects.count() == 2
    assert sorted(Ticket.objects.values_list("customer__phone", flat=True)) == ["+34600111222", "+34611222333"]


def test_malformed_json_is_kept_and_answered_400(post_webhook, wa_account):
    raw = b'{"object": "whatsapp_business_account", "entry": [ broken'
    response = post_webhook(None, raw=raw)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"
    row = InboundWhatsApp.objects.get()
    assert row.raw == raw.decode() and row.status == "failed" and "JSON" in row.error


def test_unknown_type_is_stored_as_unsupported(post_webhook, wa_account):
    item = {"from": "34600111222", "id": "wamid.U", "timestamp": "1732530000", "type": "unsupported",
            "errors": [{"code": 131051, "title": "Message type unknown"}]}  # fmt: skip
    post_webhook(notification(messages=[item]))
    message = Message.objects.get(external_id="wamid.U")
    assert message.body_text == "[unsupported message type]"
    assert message.data["whatsapp_type"] == "unsupported"


def test_image_is_fetched_into_an_attachment(post_webhook, wa_account, cloud_api):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 200
    cloud_api.media["1234567890"] = (png, "image/png")
    item = {"from": "34600111222", "id": "wamid.IMG", "timestamp": "1732530000", "type": "image",
            "image": {"caption": "La puerta rota", "mime_type": "image/png", "sha256": "x", "id": "1234567890"}}  # fmt: skip
    post_webhook(notification(messages=[item]))
    message = Message.objects.get(external_id="wamid.IMG")
    assert message.body_text == "La puerta rota"
    attachment = Attachment.objects.get(message=message)
    assert attachment.content_type == "image/png" and attachment.size == len(png)
    with attachment.file.open("rb") as fh:
        assert fh.read() == png
    # The media description and the download both carried the account's token.
    gets = [r for r in cloud_api.requests if r["method"] == "GET"]
    assert [r["path"] for r in gets] == ["/v21.0/1234567890", "/download/1234567890"]
    assert all(r["auth"] == "Bearer EAAG-test-token" for r in gets)


def test_media_too_large_keeps_the_message_with_a_note(post_webhook, wa_account, cloud_api, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 100
    cloud_api.media["999"] = (b"%PDF-1.4" + b"x" * 500, "application/pdf")
    item = {"from": "34600111222", "id": "wamid.BIG", "timestamp": "1732530000", "type": "document",
            "document": {"filename": "factura.pdf", "mime_type": "application/pdf", "id": "999"}}  # fmt: skip
    post_webhook(notification(messages=[item]))
    message = Message.objects.get(external_id="wamid.BIG")
    assert message.attachments.count() == 0
    assert "could not be downloaded" in message.body_text
    assert message.data["media_id"] == "999"


def test_unknown_sender_number_fails_into_dead_letter_and_retries(post_webhook, wa_account, admin_user):
    from postventa.messaging.whatsapp.services import inbound_retry

    post_webhook(notification(messages=[text_message("x", wa_id="12", wamid="wamid.S")], wa_id="12"))
    row = InboundWhatsApp.objects.get()
    assert row.status == "failed" and row.error
    assert Ticket.objects.count() == 0
    # After fixing the data (here: the raw payload) an admin retries and the message arrives.
    row.raw = row.raw.replace('"12"', '"34600111222"')
    row.save()
    row = inbound_retry(acting_user=admin_user, inbound_id=row.pk)
    assert row.status == "processed" and row.attempts == 2
    assert Message.objects.filter(external_id="wamid.S").exists()


def test_erase_blanks_raw_payloads_and_contacts(post_webhook, wa_account, admin_user):
    from postventa.customers.gdpr import customer_erase, customer_export_data

    post_webhook(notification(messages=[text_message("Mi DNI es 1234", wamid="wamid.E")]))
    other = post_webhook(notification(messages=[text_message("Hola", wamid="wamid.F", wa_id="34611222333")], wa_id="34611222333"))
    assert other.status_code == 200
    customer = Ticket.objects.get(messages__external_id="wamid.E").customer
    assert customer_export_data(customer)["apps"]["whatsapp"][0]["wa_id"] == "34600111222"
    customer_erase(customer=customer, acting_user=admin_user)
    raws = list(InboundWhatsApp.objects.order_by("id").values_list("raw", flat=True))
    assert raws[0] == "[erased]" and "34611222333" in raws[1]
    assert not WhatsAppContact.objects.filter(wa_id="34600111222").exists()
    assert WhatsAppContact.objects.filter(wa_id="34611222333").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "whatsapp_business_account", "entry": "nope"},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"messages": ["x", 3, None]}}]}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"messages": [{"from": 34600111222, "id": 7, "type": "text", "text": "str"}]}}]}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"statuses": [{"id": "wamid.none", "status": "read"}, {"status": 5}]}}]}]},
        {"object": "page", "entry": []},
        [1, 2, 3],
        "just a string",
    ],
)
def test_odd_payloads_never_crash(post_webhook, wa_account, payload):
    response = post_webhook(payload)
    assert response.status_code == 200
    row = InboundWhatsApp.objects.get()
    assert row.status in ("processed", "ignored", "failed")


def test_webhook_needs_no_csrf_token(wa_account, run_whatsapp_jobs):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = json.dumps(notification(messages=[text_message("Hola", wamid="wamid.CSRF")])).encode()
    response = strict.generic("POST", "/api/v1/whatsapp/webhook", body, content_type="application/json",
                              headers={"X-Hub-Signature-256": sign(body)})  # fmt: skip
    assert response.status_code == 200
    run_whatsapp_jobs()
    assert Message.objects.filter(external_id="wamid.CSRF").exists()


def test_inbound_api_lists_and_retries(api, post_webhook, wa_account, django_assert_max_num_queries, client, agent):
    for i in range(3):
        post_webhook(notification(messages=[text_message(f"Hola {i}")]))
    post_webhook(None, raw=b"{not json")
    with django_assert_max_num_queries(8):
        listed = api.get("/api/v1/whatsapp/inbound", page_size=2)
    assert listed.status_code == 200
    body = listed.json()
    assert len(body["items"]) == 2 and body["next_cursor"] and body["items"][0]["status"] == "failed"
    failed = api.get("/api/v1/whatsapp/inbound", status="failed").json()["items"]
    assert len(failed) == 1
    assert api.get("/api/v1/whatsapp/inbound", status="weird").status_code == 422
    retried = api.post(f"/api/v1/whatsapp/inbound/{failed[0]['id']}/retry")
    assert retried.status_code == 200 and retried.json()["attempts"] == 2
    ok_row = InboundWhatsApp.objects.filter(status="processed").first()
    assert api.post(f"/api/v1/whatsapp/inbound/{ok_row.pk}/retry").status_code == 409
    assert api.post("/api/v1/whatsapp/inbound/999999/retry").status_code == 404
    client.force_login(agent)
    assert client.get("/api/v1/whatsapp/inbound").status_code == 403
