"""Macros: sandboxed rendering in the customer's language, actions through ticket_update, sending."""

from __future__ import annotations

import pytest

from postventa.core.errors import NotFound, PermissionDenied, ValidationFailed
from postventa.helpdesk.automation import services
from postventa.helpdesk.automation.models import Macro
from postventa.helpdesk.models import Message, Ticket

pytestmark = pytest.mark.django_db

ES = "Hola {{ customer.first_name }}, sobre el pedido {{ order.number }} (caso {{ ticket.number }}). {{ agent.first_name }}"
EN = "Hi {{ customer.name }}, about order {{ order.number }} (case {{ ticket.number }}). {{ agent.first_name }}"


@pytest.fixture
def macro(supervisor):
    return services.macro_save(
        acting_user=supervisor, name="Order status", body_es=ES, body_en=EN,
        actions={"status": "pending", "add_tags": ["pedido"], "priority": "high"},
    )  # fmt: skip


def test_renders_spanish_with_placeholders(macro, agent, inbound, order_with, customer_es):
    from postventa.helpdesk.services import ticket_update

    agent.first_name = "Alex"
    agent.save()
    ticket = inbound()
    ticket = ticket_update(
        ticket=ticket, acting_user=None, changes={"order_id": order_with(customer_es, "k", "S1").pk}
    )
    result = services.macro_apply(macro=macro, ticket=ticket, acting_user=agent)
    assert result.language == "es"
    assert result.body == f"Hola Lucía, sobre el pedido PV-00001 (caso {ticket.number}). Alex"


def test_renders_english_for_an_english_ticket(macro, agent, inbound, customer_en):
    ticket = inbound(customer=customer_en, body="Hello")
    result = services.macro_apply(macro=macro, ticket=ticket, acting_user=agent)
    assert result.language == "en"
    assert result.body.startswith("Hi Bob Smith, about order  (case ")


def test_falls_back_to_the_other_language(supervisor, agent, inbound, customer_en):
    only_es = services.macro_save(
        acting_user=supervisor, name="Solo es", body_es="Hola {{ customer.first_name }}"
    )
    ticket = inbound(customer=customer_en, body="Hello")
    assert services.macro_apply(macro=only_es, ticket=ticket, acting_user=agent).body == "Hola Bob"


def test_actions_apply_and_are_recorded(macro, agent, inbound):
    ticket = inbound()
    result = services.macro_apply(macro=macro, ticket=ticket, acting_user=agent)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.priority) == ("pending", "high")
    assert list(ticket.tags.values_list("name", flat=True)) == ["pedido"]
    assert result.changes["status"] == ["new", "pending"]
    assert result.changes["tags"] == [[], ["pedido"]]
    assert ticket.changes.filter(field="priority", actor=agent).exists()
    # Not sent: no outbound message was written.
    assert not Message.objects.filter(ticket=ticket, direction="outbound").exists()
    assert Macro.objects.get(pk=macro.pk).usage_count == 1


def test_send_writes_the_reply(macro, agent, inbound):
    ticket = inbound()
    result = services.macro_apply(macro=macro, ticket=ticket, acting_user=agent, send=True)
    message = Message.objects.get(pk=result.message_id)
    assert message.direction == "outbound" and message.body_text.startswith("Hola Lucía")
    assert message.data == {"macro_id": macro.pk}
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_html_special_characters_stay_text_in_the_reply(supervisor, agent, inbound, customer_es):
    customer_es.first_name = "<b>Lu</b> & Co"
    customer_es.save()
    macro = services.macro_save(acting_user=supervisor, name="x", body_es="Hola {{ customer.first_name }}")
    from postventa.helpdesk.automation.rendering import placeholder_values, render_text

    ticket = Ticket.objects.select_related("customer", "order").get(pk=inbound().pk)
    assert services.macro_apply(macro=macro, ticket=ticket, acting_user=agent).body == "Hola <b>Lu</b> & Co"
    values = placeholder_values(ticket=ticket, agent=agent)
    assert render_text(macro.body_es, values, html=True) == "Hola &lt;b&gt;Lu&lt;/b&gt; &amp; Co"


@pytest.mark.parametrize(
    "body",
    [
        "{{ customer.__class__ }}",
        "{{ customer.items }}",
        "{{ ticket.customer.email }}",
        "{{ settings.SECRET_KEY }}",
        "{% load static %}",
        "{% include 'console/base.html' %}",
        "{% debug %}",
        "{{ customer.first_name|default:customer.__dict__ }}",
        "{% if x %}",
        "{{ customer.first_name|safe }}",
    ],
)
def test_sandbox_refuses_anything_but_the_placeholders(supervisor, body):
    with pytest.raises(ValidationFailed) as info:
        services.macro_save(acting_user=supervisor, name="evil", body_es=body)
    assert info.value.code in ("bad_template", "bad_placeholder")
    assert not Macro.objects.exists()


def test_filters_on_placeholders_are_allowed(supervisor, agent, inbound):
    macro = services.macro_save(
        acting_user=supervisor, name="upper", body_es="{{ customer.first_name|upper }}"
    )
    assert services.macro_apply(macro=macro, ticket=inbound(), acting_user=agent).body == "LUCÍA"


def test_personal_and_shared_macros(agent, make_user, supervisor, inbound):
    other = make_user("otto", role="agent")
    mine = services.macro_save(acting_user=agent, name="Mine", body_es="Hola", shared=False)
    assert mine.owner_id == agent.pk
    with pytest.raises(PermissionDenied):
        services.macro_save(acting_user=agent, name="Shared", body_es="Hola", shared=True)
    with pytest.raises(NotFound):
        services.macro_apply(macro=mine, ticket=inbound(), acting_user=other)
    with pytest.raises(NotFound):
        services.macro_delete(acting_user=other, macro=mine)
    services.macro_delete(acting_user=agent, macro=mine)
    assert not Macro.objects.filter(pk=mine.pk).exists()


def test_unknown_macro_actions_refused(supervisor):
    with pytest.raises(ValidationFailed):
        services.macro_save(acting_user=supervisor, name="x", body_es="Hola", actions={"delete_ticket": True})
    with pytest.raises(ValidationFailed):
        services.macro_save(acting_user=supervisor, name="x", body_es="Hola", actions={"status": "exploded"})
