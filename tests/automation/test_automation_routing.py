"""Routing rules choose the team of new tickets; protected attributes cannot be used."""

from __future__ import annotations

import pytest

from postventa.core.errors import ValidationFailed
from postventa.helpdesk.automation import services
from postventa.helpdesk.automation.models import RoutingRule
from postventa.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db


def _rule(supervisor, team, position=100, **conditions):
    return services.routing_rule_save(
        acting_user=supervisor,
        name=f"to {team.name}",
        team_id=team.pk,
        conditions=conditions,
        position=position,
    )


def _routed(ticket, drain_outbox) -> Ticket:
    drain_outbox()
    return Ticket.objects.get(pk=ticket.pk)


def test_channel_rule(supervisor, make_team, inbound, drain_outbox):
    chat, mail = make_team("Chat"), make_team("Mail")
    _rule(supervisor, chat, channels=["web_chat"])
    _rule(supervisor, mail, channels=["email"])
    assert _routed(inbound(channel="web_chat", external_id="c1"), drain_outbox).team_id == chat.pk
    assert _routed(inbound(channel="email", external_id="m1"), drain_outbox).team_id == mail.pk


def test_language_rule(supervisor, make_team, inbound, customer_en, drain_outbox):
    english = make_team("English desk")
    _rule(supervisor, english, languages=["en"])
    assert (
        _routed(inbound(customer=customer_en, body="My blender is broken"), drain_outbox).team_id
        == english.pk
    )
    assert _routed(inbound(body="Hola", subject="Otra"), drain_outbox).team_id is None


def test_category_and_product_of_the_linked_order(
    supervisor, make_team, customer_es, order_with, drain_outbox
):
    from postventa.helpdesk.services import ticket_create

    kitchen, phones = make_team("Kitchen"), make_team("Phones")
    _rule(supervisor, kitchen, categories=["kitchen"])
    _rule(supervisor, phones, products=["PHONE-1"])
    t1 = ticket_create(customer=customer_es, subject="Rota", body="No va", channel="web_form",
                       order_id=order_with(customer_es, "kitchen", "BLEND-1").pk)  # fmt: skip
    t2 = ticket_create(customer=customer_es, subject="Pantalla", body="No va", channel="web_form",
                       order_id=order_with(customer_es, "mobile", "PHONE-1").pk)  # fmt: skip
    t3 = ticket_create(customer=customer_es, subject="Sin pedido", body="Hola", channel="web_form")
    drain_outbox()
    assert Ticket.objects.get(pk=t1.pk).team_id == kitchen.pk
    assert Ticket.objects.get(pk=t2.pk).team_id == phones.pk
    assert Ticket.objects.get(pk=t3.pk).team_id is None


def test_customer_tag_and_segment(supervisor, make_team, inbound, customer_en, drain_outbox):
    from postventa.customers.segments import segment_create

    vip, english = make_team("VIP"), make_team("EN segment")
    _rule(supervisor, vip, position=1, customer_tags=["vip"])
    segment = segment_create(
        acting_user=supervisor, name="English speakers",
        definition={"match": "all", "conditions": [{"key": "language", "params": {"language": "en"}}]},
    )  # fmt: skip
    _rule(supervisor, english, position=2, segments=[segment.pk])
    assert _routed(inbound(), drain_outbox).team_id == vip.pk
    assert _routed(inbound(customer=customer_en, body="Hi"), drain_outbox).team_id == english.pk


def test_keywords_are_accent_insensitive_whole_words(supervisor, make_team, inbound, drain_outbox):
    returns = make_team("Returns")
    _rule(supervisor, returns, keywords=["devolución", "reembolso"])
    assert (
        _routed(inbound(body="Quiero hacer una DEVOLUCION del pedido", external_id="a"), drain_outbox).team_id
        == returns.pk
    )
    assert (
        _routed(inbound(body="Pido el reembolso ya", subject="x", external_id="b"), drain_outbox).team_id
        == returns.pk
    )
    # "devoluciones" is another word: no partial matches.
    assert (
        _routed(inbound(body="Sobre las devoluciones", subject="y", external_id="c"), drain_outbox).team_id
        is None
    )


def test_first_rule_by_position_wins_and_inactive_rules_are_skipped(
    supervisor, make_team, inbound, drain_outbox
):
    first, second, off = make_team("First"), make_team("Second"), make_team("Off")
    rule_off = _rule(supervisor, off, position=1)
    rule_off.active = False
    rule_off.save()
    _rule(supervisor, second, position=20)
    _rule(supervisor, first, position=10, channels=["email"])
    assert _routed(inbound(), drain_outbox).team_id == first.pk


def test_routing_writes_history_as_the_system(supervisor, make_team, inbound, drain_outbox):
    team = make_team("Mail")
    _rule(supervisor, team)
    ticket = _routed(inbound(), drain_outbox)
    change = ticket.changes.get(field="team")
    assert change.actor_id is None and change.actor_label == "system" and change.new_value == "Mail"


@pytest.mark.parametrize("key", ["gender", "nationality", "age", "religion", "ethnicity"])
def test_protected_attributes_are_refused(supervisor, make_team, key):
    team = make_team("Any")
    with pytest.raises(ValidationFailed) as info:
        services.routing_rule_save(
            acting_user=supervisor, name="bad", team_id=team.pk, conditions={key: ["x"]}
        )
    assert info.value.code == "unknown_condition"
    assert key in info.value.message
    assert not RoutingRule.objects.exists()


def test_bad_values_are_refused(supervisor, make_team):
    team = make_team("Any")
    for conditions in ({"channels": ["fax"]}, {"languages": ["fr"]}, {"segments": ["abc"]}, {"keywords": 5}):
        with pytest.raises(ValidationFailed):
            services.routing_rule_save(
                acting_user=supervisor, name="bad", team_id=team.pk, conditions=conditions
            )


def test_agents_cannot_manage_rules(agent, make_team):
    from postventa.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.routing_rule_save(acting_user=agent, name="x", team_id=make_team("T").pk, conditions={})
