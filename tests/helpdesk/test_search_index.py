"""Tickets and messages in core.search: indexed through the outbox, filtered, permission-scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from postventa.core import search
from postventa.core.models import SearchDocument
from postventa.helpdesk import search_index
from postventa.helpdesk.models import Message

pytestmark = pytest.mark.django_db


def kinds_ids(hits) -> list[tuple[str, str]]:
    return sorted((h.kind, h.object_id) for h in hits)


@pytest.fixture
def received(inbound, drain_outbox):
    ticket, message, _created = inbound(
        "La lavadora no centrifuga y quiero la devolución", subject="Lavadora rota"
    )
    drain_outbox()
    return ticket, message


def test_ticket_and_message_are_found_after_receive(received, admin_user):
    ticket, message = received
    hits = search.search_for_user(admin_user, "devoluciones")  # plural and no accent: stem + fold
    assert kinds_ids(hits) == [("message", str(message.pk))]
    msg_hit = hits[0]
    assert msg_hit.parent_id == str(ticket.pk)
    assert msg_hit.title == f"#{ticket.number} Lavadora rota"
    assert "<mark>devolución</mark>" in msg_hit.snippet
    assert search.hit_link(msg_hit) == f"/console/tickets/{ticket.pk}/#m{message.pk}"
    # the ticket by number, subject and customer name; the subject does not match the messages
    assert kinds_ids(search.search_for_user(admin_user, str(ticket.number))) == [("ticket", str(ticket.pk))]
    assert kinds_ids(search.search_for_user(admin_user, "lavadora", kinds=["ticket"])) == [
        ("ticket", str(ticket.pk))
    ]
    assert ("ticket", str(ticket.pk)) in kinds_ids(search.search_for_user(admin_user, "garcia"))
    assert search.hit_link(search.search_for_user(admin_user, "lavadora rota", kinds=["ticket"])[0]) == (
        f"/console/tickets/{ticket.pk}/"
    )


def test_message_without_accents_finds_accented_query_and_back(inbound, drain_outbox, admin_user):
    _t, message, _c = inbound("El tecnico no vino; la garantia cubre la reparacion", subject="Cita")
    drain_outbox()
    assert kinds_ids(search.search_for_user(admin_user, "técnico garantía reparación")) == [
        ("message", str(message.pk))
    ]


def test_updates_reach_ticket_and_message_documents(received, supervisor, team_returns, drain_outbox):
    from postventa.helpdesk.services import ticket_update

    ticket, message = received
    ticket_update(
        ticket=ticket,
        acting_user=supervisor,
        changes={
            "status": "open",
            "team_id": team_returns.pk,
            "assignee_id": supervisor.pk,
            "subject": "Centrifugado",
        },
    )
    drain_outbox()
    doc = SearchDocument.objects.get(kind="message", object_id=str(message.pk))
    assert (doc.status, doc.team_id, doc.assignee_id) == ("open", team_returns.pk, supervisor.pk)
    assert doc.title == f"#{ticket.number} Centrifugado"
    assert kinds_ids(search.search_for_user(supervisor, "centrifugado", kinds=["ticket"])) == [
        ("ticket", str(ticket.pk))
    ]
    assert search.search_for_user(supervisor, "rota", kinds=["ticket"]) == []


def test_notes_are_for_staff_only(received, agent, drain_outbox, customer_a):
    from postventa.helpdesk.services import add_note, reply

    ticket, _message = received
    note = add_note(ticket=ticket, acting_user=agent, body="Cliente <b>conflictivo</b>: revisar historial")
    public = reply(ticket=ticket, acting_user=agent, body="Le enviamos una lavadora de sustitución")
    drain_outbox()
    hits = search.search_for_user(agent, "conflictivo")
    assert kinds_ids(hits) == [("message", str(note.pk))]
    assert hits[0].staff_only
    # highlighting escapes first: the note's markup is text, only <mark> is HTML
    assert "&lt;b&gt;<mark>conflictivo</mark>&lt;/b&gt;" in hits[0].snippet
    # the customer's own search (portal) never shows notes, but shows public replies
    assert search.search_for_customer(customer_a.pk, "conflictivo") == []
    assert kinds_ids(search.search_for_customer(customer_a.pk, "sustitucion")) == [
        ("message", str(public.pk))
    ]


def test_portal_search_is_limited_to_the_customer(received, inbound, customer_b, drain_outbox):
    inbound("Otra devolución pendiente", customer=customer_b, subject="Otra")
    drain_outbox()
    ticket, message = received
    own = search.search_for_customer(ticket.customer_id, "devolucion")
    assert kinds_ids(own) == [("message", str(message.pk))]
    assert {h.customer_id for h in search.search_for_customer(customer_b.pk, "devolucion")} == {customer_b.pk}


def test_agents_see_their_teams_unassigned_teams_and_their_own(
    inbound, drain_outbox, make_user, supervisor, analyst, team_returns, team_tech
):
    from postventa.helpdesk.services import ticket_update

    agent = make_user("olga.agent", role="agent")
    agent.teams.add(team_returns)
    mine_team, _m, _c = inbound("Mando roto número uno", subject="uno")
    other_team, _m, _c = inbound("Mando roto número dos", subject="dos")
    assigned, _m, _c = inbound("Mando roto número tres", subject="tres")
    no_team, _m, _c = inbound("Mando roto número cuatro", subject="cuatro")
    ticket_update(ticket=mine_team, acting_user=supervisor, changes={"team_id": team_returns.pk})
    ticket_update(ticket=other_team, acting_user=supervisor, changes={"team_id": team_tech.pk})
    ticket_update(
        ticket=assigned, acting_user=supervisor, changes={"team_id": team_tech.pk, "assignee_id": agent.pk}
    )
    drain_outbox()
    seen = {h.parent_id for h in search.search_for_user(agent, "mando", kinds=["message"])}
    assert seen == {str(mine_team.pk), str(assigned.pk), str(no_team.pk)}
    # the analyst reads every ticket; a user without tickets.view sees no ticket or message
    assert len(search.search_for_user(analyst, "mando", kinds=["message"])) == 4
    nobody = make_user("nadie", role="")
    assert search.search_for_user(nobody, "mando") == []


def test_filters_status_channel_team_assignee_dates(inbound, drain_outbox, supervisor, team_returns):
    from postventa.helpdesk.services import ticket_update

    now = timezone.now()
    old, _m, _c = inbound("Factura de marzo", subject="Factura", now=now - dt.timedelta(days=40))
    chat, _m, _c = inbound("Factura de abril", subject="Factura", channel="web_chat")
    ticket_update(
        ticket=chat,
        acting_user=supervisor,
        changes={"team_id": team_returns.pk, "assignee_id": supervisor.pk},
    )
    drain_outbox()
    F = search.Filters
    q = "factura"
    parents = lambda **kw: {h.parent_id or h.object_id for h in search.search_for_user(supervisor, q, **kw)}  # noqa: E731
    assert parents(filters=F(channels=("web_chat",))) == {str(chat.pk)}
    assert parents(filters=F(team_id=team_returns.pk)) == {str(chat.pk)}
    assert parents(filters=F(assignee_id=supervisor.pk)) == {str(chat.pk)}
    assert parents(filters=F(unassigned=True)) == {str(old.pk)}
    assert parents(filters=F(since=now - dt.timedelta(days=1))) == {str(chat.pk)}
    assert parents(filters=F(until=now - dt.timedelta(days=1))) == {str(old.pk)}
    assert parents(filters=F(statuses=("closed",))) == set()
    assert parents(kinds=["ticket"]) == {str(old.pk), str(chat.pk)}


def test_pagination_is_bounded_and_disjoint(inbound, drain_outbox, admin_user):
    for n in range(7):
        inbound(f"Pregunta sobre el pedido {n}", subject=f"Pedido {n}", external_id=f"x{n}")
    drain_outbox()
    first = search.search_for_user(admin_user, "pregunta", kinds=["message"], limit=3)
    second = search.search_for_user(admin_user, "pregunta", kinds=["message"], limit=3, offset=3)
    third = search.search_for_user(admin_user, "pregunta", kinds=["message"], limit=3, offset=6)
    ids = [h.object_id for h in first + second + third]
    assert len(ids) == len(set(ids)) == 7
    assert search.search_for_user(admin_user, "pregunta", offset=search.RANK_WINDOW) == []


def test_bulk_rebuild_restores_and_sweeps(received, drain_outbox, admin_user):
    ticket, message = received
    SearchDocument.objects.filter(kind__in=["ticket", "message"]).delete()
    SearchDocument.objects.create(kind="message", object_id="999999", title="stale", body="devolución")
    assert search.search_for_user(admin_user, "devolucion", kinds=["message"]) == []
    call_command("search_reindex", "--kind", "message", "--batch", "1")
    call_command("search_reindex", "--kind", "ticket")
    assert kinds_ids(search.search_for_user(admin_user, "devolucion")) == [("message", str(message.pk))]
    assert kinds_ids(search.search_for_user(admin_user, "lavadora", kinds=["ticket"])) == [
        ("ticket", str(ticket.pk))
    ]
    # a second run rewrites in place (same rows, so ids and recency order survive)
    before = dict(SearchDocument.objects.values_list("object_id", "pk").filter(kind="message"))
    call_command("search_reindex", "--kind", "message")
    assert dict(SearchDocument.objects.values_list("object_id", "pk").filter(kind="message")) == before


def test_system_lines_and_erased_customers(received, drain_outbox, admin_user, customer_a):
    from postventa.customers.gdpr import customer_erase
    from postventa.helpdesk.services import system_message

    ticket, message = received
    line = system_message(ticket, "Devolución registrada automáticamente")
    assert search_index.message_document(line.pk) is None
    customer_erase(customer=customer_a, acting_user=admin_user)
    drain_outbox()
    assert search.search_for_user(admin_user, "devolucion") == []
    assert search.search_for_user(admin_user, "garcia", kinds=["ticket"]) == []
    assert Message.objects.filter(pk=message.pk).exists()
