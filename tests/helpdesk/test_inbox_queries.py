"""The inbox and the ticket workspace cost a fixed number of queries, whatever the rows or messages.

Also: the conversation is a window of the latest messages with "load earlier", and sidebar counts
are capped instead of counting a whole backlog.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from postventa.helpdesk import selectors
from postventa.helpdesk.models import Message, Ticket, TicketTag


@pytest.fixture
def people(db, make_user):
    from postventa.accounts.models import Team

    teams = [Team.objects.create(name=f"Equipo {i}") for i in range(3)]
    agents = []
    for i in range(3):
        user = make_user(f"agente{i}", role="agent")
        user.teams.set([teams[i]])
        agents.append(user)
    return teams, agents


def _open_tickets(count: int, people, start: int = 0) -> list[Ticket]:
    """Tickets from different customers, teams, assignees and tags: what makes an N+1 show."""
    from postventa.customers.services import customer_create
    from postventa.helpdesk.services import receive_message

    teams, agents = people
    tags = [TicketTag.objects.get_or_create(name=f"tag-{i}")[0] for i in range(3)]
    out = []
    for i in range(start, start + count):
        customer = customer_create(
            acting_user=None, first_name=f"Cliente{i}", last_name="Prueba", emails=[f"c{i}@example.com"]
        )
        ticket, _m, _c = receive_message(
            customer=customer, channel="email", subject=f"Asunto {i}", body_text="Hola"
        )
        Ticket.objects.filter(pk=ticket.pk).update(
            team=teams[i % 3], assignee=agents[i % 3] if i % 2 else None, status="open",
            sla_policy_id=1, resolution_due_at=timezone.now() + dt.timedelta(minutes=30 + i),
        )  # fmt: skip
        ticket.tags.add(tags[i % 3])
        out.append(ticket)
    return out


def _queries(client, url: str, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("url", ["/", "/?status=open", "/?sla=due_soon", "/?assignee=none&status=unsolved"])
def test_inbox_query_count_does_not_grow_with_rows(admin_client, people, url):
    inbox = reverse("console:ticket_list").rstrip("/") + url
    _open_tickets(2, people)
    _queries(admin_client, inbox)  # warm: session, caches
    few, html = _queries(admin_client, inbox)
    assert few > 5  # the capture sees the page's queries
    assert html.count('name="ticket" value=') >= 1
    _open_tickets(10, people, start=2)
    many, html = _queries(admin_client, inbox)
    assert html.count('name="ticket" value=') >= 5
    assert many == few, f"{few} queries for a few rows, {many} for more: an N+1 in the inbox"


def test_agent_inbox_query_count_does_not_grow_either(client, people):
    _teams, agents = people
    client.force_login(agents[0])
    inbox = reverse("console:ticket_list")
    _open_tickets(3, people)
    _queries(client, inbox)
    few, _html = _queries(client, inbox)
    _open_tickets(9, people, start=3)
    many, html = _queries(client, inbox)
    assert many == few
    # the agent sees their team's tickets and unassigned-team ones only (team 0 of the three)
    shown = {int(n) for n in re.findall(r'name="ticket" value="(\d+)"', html)}
    assert shown and set(Ticket.objects.filter(pk__in=shown).values_list("team__name", flat=True)) == {
        "Equipo 0"
    }


def _add_messages(ticket: Ticket, count: int, agent) -> None:
    start = ticket.created_at
    Message.objects.bulk_create(
        Message(
            ticket=ticket,
            kind="internal_note" if i % 7 == 3 else "public_reply",
            direction="inbound" if i % 2 == 0 else "outbound",
            author_customer=ticket.customer if i % 2 == 0 else None,
            author_user=None if i % 2 == 0 else agent,
            body_text=f"mensaje número {i}",
            created_at=start + dt.timedelta(minutes=i + 1),
        )
        for i in range(count)
    )


def test_ticket_page_query_count_does_not_grow_with_messages(admin_client, people):
    _teams, agents = people
    short, long_ = _open_tickets(2, people)
    _add_messages(short, 4, agents[1])
    _add_messages(long_, 200, agents[1])
    _queries(admin_client, reverse("console:ticket_detail", args=[short.pk]))
    few, html_short = _queries(admin_client, reverse("console:ticket_detail", args=[short.pk]))
    many, html_long = _queries(admin_client, reverse("console:ticket_detail", args=[long_.pk]))
    assert few > 5
    assert many == few, f"{few} queries for 5 messages, {many} for 201"
    assert "mensaje número 3" in html_short and 'class="hd-earlier"' not in html_short
    # the long conversation shows its latest window only, with a way to the older ones
    assert len(re.findall(r'id="m\d+"', html_long)) == selectors.CONVERSATION_WINDOW
    assert "mensaje número 199" in html_long and "mensaje número 100<" not in html_long
    assert 'class="hd-earlier"' in html_long


def test_load_earlier_pages_back_through_the_whole_conversation(admin_client, people):
    _teams, agents = people
    (ticket,) = _open_tickets(1, people)
    _add_messages(ticket, 75, agents[0])  # 76 with the first one
    html = admin_client.get(reverse("console:ticket_detail", args=[ticket.pk])).content.decode()
    seen = re.findall(r'id="m(\d+)"', html)
    pages = 1
    while (match := re.search(r'hx-get="([^"]+earlier/\?before=\d+)"', html)) is not None:
        url = match.group(1).replace("&amp;", "&")
        few, html = _queries(admin_client, url, HX_Request="true")
        assert "<html" not in html  # a fragment
        seen = re.findall(r'id="m(\d+)"', html) + seen
        pages += 1
        assert pages < 10
    assert pages == 3
    expected = list(
        Message.objects.filter(ticket=ticket).order_by("created_at", "id").values_list("pk", flat=True)
    )
    assert [int(pk) for pk in seen] == expected  # every message once, oldest first

    # without HTMX the same link opens the workspace on that window
    older = Message.objects.filter(ticket=ticket).order_by("created_at", "id")[40]
    page = admin_client.get(reverse("console:ticket_earlier", args=[ticket.pk]) + f"?before={older.pk}")
    assert page.status_code == 200 and b"hd-window-note" in page.content


def test_load_earlier_refuses_foreign_messages_and_hidden_tickets(admin_client, client, people):
    teams, agents = people
    mine, other = _open_tickets(2, people)  # team 0 and team 1
    foreign = Message.objects.filter(ticket=other).first()
    url = reverse("console:ticket_earlier", args=[mine.pk])
    assert admin_client.get(f"{url}?before={foreign.pk}", headers={"HX-Request": "true"}).status_code == 404
    assert admin_client.get(f"{url}?before=abc").status_code == 404
    client.force_login(agents[0])
    hidden = reverse("console:ticket_earlier", args=[other.pk])
    assert client.get(f"{hidden}?before={foreign.pk}", headers={"HX-Request": "true"}).status_code == 404


def test_sidebar_counts_are_capped(admin_client, people, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    _open_tickets(5, people)
    html = admin_client.get(reverse("console:ticket_list")).content.decode()
    assert "3+" in html
    assert selectors.capped_count(Ticket.objects.all(), cap=3) == 4
    assert selectors.capped_count(Ticket.objects.all(), cap=10) == 5
