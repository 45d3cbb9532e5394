"""Replies and templates out through the fake Cloud API; the 24-hour window; consent; statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from wa_fake import PHONE_NUMBER_ID, notification, text_message

from postventa.core.errors import Conflict, ValidationFailed
from postventa.helpdesk import services as helpdesk
from postventa.helpdesk.models import Message, Ticket
from postventa.messaging.whatsapp.models import OutboundWhatsApp, WhatsAppContact, WhatsAppTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def wa_ticket(post_webhook, wa_account):
    post_webhook(notification(messages=[text_message("Hola, ¿dónde está mi pedido?", wamid="wamid.IN1")]))
    return Ticket.objects.get()


def _messages_path():
    return f"/v21.0/{PHONE_NUMBER_ID}/messages"


def test_reply_within_window_is_sent_as_text(wa_ticket, agent, cloud_api, drain_outbox):
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Sale mañana por la mañana.")
    drain_outbox()
    posts = [r for r in cloud_api.requests if r["method"] == "POST"]
    assert len(posts) == 1
    assert posts[0]["path"] == _messages_path()
    assert posts[0]["auth"] == "Bearer EAAG-test-token"
    assert posts[0]["json"]["messaging_product"] == "whatsapp"
    assert posts[0]["json"]["to"] == "34600111222"
    assert posts[0]["json"]["type"] == "text"
    assert posts[0]["json"]["text"]["body"] == "Sale mañana por la mañana."
    message.refresh_from_db()
    out = OutboundWhatsApp.objects.get(message=message)
    assert out.status == "sent" and out.wamid.startswith("wamid.")
    assert message.delivery_status == "sent" and message.external_id == out.wamid
    # A second drain (a redelivered event) sends nothing more.
    drain_outbox()
    assert len(cloud_api.sent) == 1


def test_reply_outside_window_is_refused_with_reason(wa_ticket, agent, cloud_api, drain_outbox):
    WhatsAppContact.objects.update(last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="¿Sigue ahí?")
    drain_outbox()
    assert cloud_api.sent == []
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert "24 hours" in message.last_error and "template" in message.last_error
    assert OutboundWhatsApp.objects.get(message=message).error_code == "outside_window"


def test_provider_131047_is_recorded_as_outside_window(wa_ticket, agent, cloud_api, drain_outbox):
    cloud_api.refuse_next(131047)
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Hola")
    drain_outbox()
    message.refresh_from_db()
    assert message.delivery_status == "failed" and "24 hours" in message.last_error


def test_server_error_is_retried_then_sent(wa_ticket, agent, cloud_api, drain_outbox):
    cloud_api.refuse_next(code=1, status=500, message="An unknown error occurred")
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Hola")
    drain_outbox()
    message.refresh_from_db()
    assert message.delivery_status == "pending" and "unknown error" in message.last_error
    drain_outbox(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    message.refresh_from_db()
    assert message.delivery_status == "sent"
    assert len(cloud_api.sent) == 2  # the failed attempt and the good one
    assert OutboundWhatsApp.objects.get(message=message).attempts == 2


def test_status_callbacks_update_delivery(wa_ticket, agent, cloud_api, drain_outbox, post_webhook):
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Enviado")
    drain_outbox()
    out = OutboundWhatsApp.objects.get(message=message)

    def status(value, **extra):
        return notification(statuses=[{"id": out.wamid, "status": value, "timestamp": "1732530000",
                                       "recipient_id": "34600111222", **extra}])  # fmt: skip

    post_webhook(status("delivered"))
    post_webhook(status("read"))
    post_webhook(status("delivered"))  # late and out of order: must not step back
    out.refresh_from_db()
    message.refresh_from_db()
    assert out.status == "read" and message.data["whatsapp_status"] == "read"
    post_webhook(status("failed", errors=[{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable"}]))
    out.refresh_from_db()
    message.refresh_from_db()
    assert out.status == "failed" and out.error_code == "131026"
    assert message.delivery_status == "failed" and message.last_error == "Message undeliverable"


@pytest.fixture
def templates(wa_account):
    utility = WhatsAppTemplate.objects.create(account=wa_account, name="order_shipped", language="es",
                                              category="utility", body="Hola {{1}}, tu pedido {{2}} ya ha salido.")  # fmt: skip
    marketing = WhatsAppTemplate.objects.create(account=wa_account, name="spring_offer", language="es",
                                                category="marketing", body="{{1}}, 10% en recambios.")  # fmt: skip
    return utility, marketing


def test_template_send_outside_window(wa_ticket, agent, cloud_api, drain_outbox, templates):
    WhatsAppContact.objects.update(last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    utility, _m = templates
    from postventa.messaging.whatsapp.services import send_template

    message = send_template(template=utility, params=["Lucía", "PV-1001"], acting_user=agent, ticket=wa_ticket)
    assert message.body_text == "Hola Lucía, tu pedido PV-1001 ya ha salido."
    drain_outbox()
    assert cloud_api.sent == [{
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222", "type": "template",
        "template": {"name": "order_shipped", "language": {"code": "es"},
                     "components": [{"type": "body", "parameters": [{"type": "text", "text": "Lucía"},
                                                                     {"type": "text", "text": "PV-1001"}]}]},
    }]  # fmt: skip
    message.refresh_from_db()
    assert message.delivery_status == "sent"


def test_template_to_customer_without_ticket_opens_one(agent, cloud_api, drain_outbox, templates):
    from postventa.customers.services import customer_create
    from postventa.messaging.whatsapp.services import send_template

    customer = customer_create(acting_user=agent, first_name="Iker", phones=["+34 622 333 444"])
    message = send_template(template=templates[0], params=["Iker", "PV-7"], acting_user=agent, customer=customer)
    ticket = message.ticket
    assert ticket.channel == "whatsapp" and ticket.customer_id == customer.pk
    drain_outbox()
    assert cloud_api.sent[0]["to"] == "34622333444"


def test_marketing_template_needs_consent(wa_ticket, agent, cloud_api, templates):
    from postventa.customers.models import Consent
    from postventa.messaging.whatsapp.services import send_template

    _u, marketing = templates
    with pytest.raises(Conflict) as exc:
        send_template(template=marketing, params=["Lucía"], acting_user=agent, ticket=wa_ticket)
    assert exc.value.code == "no_marketing_consent"
    assert Message.objects.filter(ticket=wa_ticket).count() == 1
    Consent.objects.create(customer=wa_ticket.customer, channel="whatsapp", purpose="marketing", status="granted")
    message = send_template(template=marketing, params=["Lucía"], acting_user=agent, ticket=wa_ticket)
    assert OutboundWhatsApp.objects.get(message=message).kind == "template"


def test_template_params_are_validated(wa_ticket, agent, templates):
    from postventa.messaging.whatsapp.services import send_template

    with pytest.raises(ValidationFailed):
        send_template(template=templates[0], params=["solo uno"], acting_user=agent, ticket=wa_ticket)
    with pytest.raises(ValidationFailed):
        send_template(template=templates[0], params=["a\nb", "c"], acting_user=agent, ticket=wa_ticket)


def test_template_send_api(api, wa_ticket, templates, drain_outbox, cloud_api):
    response = api.post(f"/api/v1/whatsapp/templates/{templates[0].pk}/send", {"ticket_id": wa_ticket.pk, "params": ["Lucía", "PV-9"]})
    assert response.status_code == 201, response.content
    assert response.json()["ticket_id"] == wa_ticket.pk
    refused = api.post(f"/api/v1/whatsapp/templates/{templates[1].pk}/send", {"ticket_id": wa_ticket.pk, "params": ["x"]})
    assert refused.status_code == 409 and refused.json()["code"] == "no_marketing_consent"
    listed = api.get("/api/v1/whatsapp/templates")
    assert sorted(t["name"] for t in listed.json()) == ["order_shipped", "spring_offer"]
    drain_outbox()
    assert cloud_api.sent[0]["template"]["name"] == "order_shipped"


def test_window_reason_in_spanish(wa_ticket, agent, drain_outbox):
    from django.utils import translation

    WhatsAppContact.objects.update(last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Hola")
    with translation.override("es"):
        drain_outbox()
    message.refresh_from_db()
    assert message.last_error.startswith("No enviado: el último mensaje de WhatsApp del cliente tiene más de 24 horas.")


def test_reply_files_go_as_media_messages_once(wa_ticket, agent, cloud_api, drain_outbox):
    from postventa.helpdesk.content import IncomingFile

    pdf = IncomingFile(filename="factura.pdf", content_type="application/pdf", content=b"%PDF-1.4 factura")
    png = IncomingFile(filename="foto.png", content_type="image/png", content=b"\x89PNG\r\n\x1a\nfoto")
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Le adjunto la factura.", attachments_in=[pdf, png])
    drain_outbox()
    sent = cloud_api.sent
    assert [m["type"] for m in sent] == ["text", "document", "image"]
    assert sent[1]["document"] == {"id": "media-1", "filename": "factura.pdf"}
    assert sent[2]["image"] == {"id": "media-2"}
    assert b"%PDF-1.4 factura" in cloud_api.uploads[0] and b"factura.pdf" in cloud_api.uploads[0]
    out = OutboundWhatsApp.objects.get(message=message)
    assert out.status == "sent" and len(out.media_sent) == 2
    drain_outbox()
    assert len(cloud_api.sent) == 3


def test_file_failure_retries_only_what_is_missing(wa_ticket, agent, cloud_api, drain_outbox):
    from postventa.helpdesk.content import IncomingFile

    pdf = IncomingFile(filename="factura.pdf", content_type="application/pdf", content=b"%PDF-1.4 factura")
    message = helpdesk.reply(ticket=wa_ticket, acting_user=agent, body="Adjunto.", attachments_in=[pdf])
    # The text goes through; the document message then fails once with a 500.
    cloud_api.refuse_next(code=1, status=500, message="An unknown error occurred")
    cloud_api.fail_after_ok = 1
    drain_outbox()
    out = OutboundWhatsApp.objects.get(message=message)
    assert out.status == "pending" and out.wamid and out.media_sent == []
    drain_outbox(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    out.refresh_from_db()
    assert out.status == "sent" and len(out.media_sent) == 1
    ok = [m["type"] for m in cloud_api.sent]
    # text once, the failed document attempt, the document again: the text was not repeated.
    assert ok == ["text", "document", "document"]
