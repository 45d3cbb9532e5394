"""Settings > WhatsApp pages: account form (secrets never shown), templates, inbound log and retry."""

from __future__ import annotations

import pytest
from wa_fake import TOKEN, notification, text_message

from postventa.messaging.whatsapp.models import InboundWhatsApp, WhatsAppAccount, WhatsAppTemplate

pytestmark = pytest.mark.django_db


def test_connect_account_then_secrets_are_not_shown(admin_client):
    page = admin_client.get("/console/settings/whatsapp/")
    assert page.status_code == 200
    assert b"/api/v1/whatsapp/webhook" in page.content
    response = admin_client.post("/console/settings/whatsapp/", {
        "name": "Tienda", "phone_number_id": "1065403522", "display_phone_number": "+34 910 000 000",
        "access_token": "EAAG-secret-token", "app_secret": "s3cr3t-app", "verify_token": "vt-123",
        "base_url": "https://graph.facebook.com", "api_version": "v21.0", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    account = WhatsAppAccount.objects.get()
    assert account.access_token == "EAAG-secret-token" and account.app_secret == "s3cr3t-app"
    page = admin_client.get("/console/settings/whatsapp/")
    assert b"EAAG-secret-token" not in page.content and b"s3cr3t-app" not in page.content
    assert b"vt-123" in page.content
    # Saving again with empty secrets keeps them.
    admin_client.post("/console/settings/whatsapp/", {"name": "Tienda 2", "phone_number_id": "1065403522",
                                                      "verify_token": "vt-123", "is_active": "on"})  # fmt: skip
    account.refresh_from_db()
    assert account.name == "Tienda 2" and account.access_token == "EAAG-secret-token"


def test_bad_account_input_shows_field_errors(admin_client):
    response = admin_client.post("/console/settings/whatsapp/", {"name": "X", "phone_number_id": "abc",
                                                                 "access_token": "t", "app_secret": "s"})  # fmt: skip
    assert response.status_code == 200
    assert "digits only" in response.content.decode()
    response = admin_client.post("/console/settings/whatsapp/", {"name": "X", "phone_number_id": "1", "access_token": "t",
                                                                 "app_secret": "s", "base_url": "javascript:alert(1)"})  # fmt: skip
    assert "valid http(s) URL" in response.content.decode()
    assert WhatsAppAccount.objects.count() == 0


def test_agent_cannot_open_whatsapp_settings(console_client):
    assert console_client.get("/console/settings/whatsapp/").status_code == 403


def test_templates_add_list_remove(admin_client, wa_account):
    admin_client.post("/console/settings/whatsapp/templates/new/", {"name": "order_shipped", "language": "es",
                                                                    "category": "utility", "body": "Hola {{1}}"})  # fmt: skip
    template = WhatsAppTemplate.objects.get()
    assert template.placeholder_count == 1
    assert b"order_shipped" in admin_client.get("/console/settings/whatsapp/").content
    admin_client.post("/console/settings/whatsapp/templates/new/", {"name": "Bad Name", "language": "es",
                                                                    "category": "utility", "body": "x"})  # fmt: skip
    assert WhatsAppTemplate.objects.count() == 1
    admin_client.post(f"/console/settings/whatsapp/templates/{template.pk}/delete/")
    assert WhatsAppTemplate.objects.count() == 0


def test_inbound_log_lists_and_retries(admin_client, wa_account, post_webhook, django_assert_max_num_queries):
    for i in range(5):
        post_webhook(notification(messages=[text_message(f"Hola {i}")]))
    post_webhook(notification(messages=[text_message("x", wa_id="1")], wa_id="1"))
    failed = InboundWhatsApp.objects.get(status="failed")
    with django_assert_max_num_queries(12):
        page = admin_client.get("/console/settings/whatsapp/inbound/")
    assert page.status_code == 200
    assert page.content.count(b"badge ok") == 5
    assert admin_client.get("/console/settings/whatsapp/inbound/", {"status": "failed"}).content.count(b"Retry") >= 1
    detail = admin_client.get(f"/console/settings/whatsapp/inbound/{failed.pk}/")
    assert detail.status_code == 200 and b"whatsapp_business_account" in detail.content
    response = admin_client.post(f"/console/settings/whatsapp/inbound/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.attempts == 2 and failed.status == "failed"  # still a bad number: stays in the list


def test_send_template_page(console_client, wa_account, post_webhook, drain_outbox, cloud_api):
    from postventa.helpdesk.models import Ticket

    post_webhook(notification(messages=[text_message("Hola")]))
    ticket = Ticket.objects.get()
    template = WhatsAppTemplate.objects.create(account=wa_account, name="follow_up", language="es", body="Hola {{1}}")
    page = console_client.get(f"/console/settings/whatsapp/templates/{template.pk}/send/", {"ticket": ticket.pk})
    assert page.status_code == 200 and b"param1" in page.content
    response = console_client.post(f"/console/settings/whatsapp/templates/{template.pk}/send/", {"ticket": ticket.pk, "param1": "Lucía"})
    assert response.status_code == 302
    drain_outbox()
    assert cloud_api.sent[-1]["template"]["components"][0]["parameters"][0]["text"] == "Lucía"
    assert cloud_api.requests[-1]["auth"] == f"Bearer {TOKEN}"


def test_template_picker_lists_active_templates(console_client, wa_account, django_assert_max_num_queries):
    WhatsAppTemplate.objects.create(account=wa_account, name="follow_up", language="es", body="Hola {{1}}")
    WhatsAppTemplate.objects.create(account=wa_account, name="old_one", language="es", body="x", is_active=False)
    with django_assert_max_num_queries(10):
        page = console_client.get("/console/settings/whatsapp/send/", {"ticket": 5})
    assert page.status_code == 200
    html = page.content.decode()
    assert "follow_up" in html and "old_one" not in html and "?ticket=5" in html
    assert console_client.get("/console/settings/whatsapp/send/").status_code == 404
