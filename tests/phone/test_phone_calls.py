"""Logging phone calls: caller identification, which ticket, validation, API."""

from __future__ import annotations

import pytest

from postventa.core.errors import ValidationFailed
from postventa.customers.services import customer_create
from postventa.helpdesk import services as helpdesk
from postventa.helpdesk.models import Message, Ticket
from postventa.messaging.phone.models import PhoneCall
from postventa.messaging.phone.services import log_call

pytestmark = pytest.mark.django_db


def _call(agent, **kw):
    args = {"acting_user": agent, "number": "600 111 222", "direction": "inbound", "duration": 125,
            "outcome": "answered", "notes": "La nevera hace ruido."}  # fmt: skip
    args.update(kw)
    return log_call(**args)


def test_unknown_number_creates_customer_and_phone_ticket(agent):
    call = _call(agent, recording_url="https://pbx.example.com/rec/1.mp3")
    assert call.number == "+34600111222"
    assert call.customer.phone == "+34600111222"
    ticket = call.ticket
    assert ticket.channel == "phone" and ticket.customer_id == call.customer_id
    message = call.message
    assert message.direction == "inbound" and message.author_customer_id == call.customer_id
    assert message.body_text.startswith("Incoming call from +34600111222 (2:05): Answered.")
    assert "La nevera hace ruido." in message.body_text
    assert message.data["phone_call"]["recording_url"] == "https://pbx.example.com/rec/1.mp3"
    assert ticket.customer_message_count == 1


def test_known_caller_is_identified_and_open_ticket_reused(agent):
    customer = customer_create(acting_user=agent, first_name="Marta", phones=["+34 600 111 222"])
    first = _call(agent)
    assert first.customer_id == customer.pk
    second = _call(agent, number="+34600111222", outcome="callback_requested", duration=0, notes="")
    assert second.ticket_id == first.ticket_id
    assert Ticket.objects.count() == 1
    assert first.ticket.messages.count() == 2
    forced = _call(agent, new_ticket=True)
    assert forced.ticket_id != first.ticket_id


def test_outbound_call_on_email_ticket_is_a_note_not_an_email(agent):
    customer = customer_create(acting_user=agent, first_name="Marta", phones=["+34600111222"], emails=["marta@example.com"])
    ticket = helpdesk.ticket_create(customer=customer, subject="Garantía", body="Hola", channel="email")
    call = _call(agent, direction="outbound", ticket=ticket, outcome="voicemail", duration=30)
    assert call.ticket_id == ticket.pk
    assert call.message.kind == Message.Kind.INTERNAL_NOTE
    assert call.message.body_text.startswith("Outgoing call to +34600111222 (0:30): Voicemail.")


def test_outbound_call_on_phone_ticket_counts_as_agent_reply(agent):
    first = _call(agent)
    call = _call(agent, direction="outbound", ticket=first.ticket)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert call.message.kind == Message.Kind.PUBLIC_REPLY and call.message.direction == "outbound"
    assert ticket.agent_reply_count == 1 and ticket.first_response_at is not None


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"number": "12ab"}, "number"),
        ({"number": ""}, "number"),
        ({"duration": -5}, "duration"),
        ({"duration": "long"}, "duration"),
        ({"recording_url": "javascript:alert(1)"}, "recording_url"),
        ({"recording_url": "ftp://pbx/rec.mp3"}, "recording_url"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "hung_up"}, "outcome"),
    ],
)
def test_validation_errors_write_nothing(agent, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        _call(agent, **kw)
    assert exc.value.extra["field"] == field
    assert PhoneCall.objects.count() == 0 and Ticket.objects.count() == 0


def test_analyst_cannot_log_calls(analyst):
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        _call(analyst)


def test_api_log_lookup_and_list(api, django_assert_max_num_queries):
    bad = api.post("/api/v1/phone/calls", {"number": "600111222", "direction": "inbound", "outcome": "answered",
                                           "duration": 10, "recording_url": "javascript:alert(1)"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "recording_url_invalid"
    made = api.post("/api/v1/phone/calls", {"number": "600111222", "direction": "inbound", "outcome": "answered", "duration": 61})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"] == "+34600111222" and body["duration_seconds"] == 61
    lookup = api.get("/api/v1/phone/lookup", number="+34 600 111 222").json()
    assert lookup["valid"] and lookup["customer_id"] == body["customer_id"]
    assert [t["number"] for t in lookup["open_tickets"]] == [body["ticket_number"]]
    assert api.get("/api/v1/phone/lookup", number="nope").json()["valid"] is False
    for _i in range(3):
        api.post("/api/v1/phone/calls", {"number": "600111222", "direction": "outbound", "outcome": "missed"})
    with django_assert_max_num_queries(8):
        listed = api.get("/api/v1/phone/calls", page_size=2)
    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 2 and listed.json()["next_cursor"]


def test_erase_and_merge_reach_the_calls(admin_user, agent):
    from postventa.customers.gdpr import customer_erase, customer_export_data
    from postventa.customers.merge import customer_merge

    source = customer_create(acting_user=agent, first_name="A", phones=["+34600111222"])
    target = customer_create(acting_user=agent, first_name="B", phones=["+34600111333"])
    call = _call(agent)
    assert call.customer_id == source.pk
    assert customer_export_data(source)["apps"]["phone"][0]["number"] == "+34600111222"
    customer_merge(source=source, target=target, acting_user=admin_user)
    call.refresh_from_db()
    assert call.customer_id == target.pk
    customer_erase(customer=target, acting_user=admin_user)
    call.refresh_from_db()
    assert call.number == "[erased]" and call.notes == "" and call.recording_url == ""


def test_call_summary_in_spanish(agent):
    from django.utils import translation

    with translation.override("es"):
        call = _call(agent, notes="")
    assert call.message.body_text == "Llamada entrante de +34600111222 (2:05): Atendida."
