"""The console search page: tickets, messages and customers, filters, escaping, permissions, pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/console/search/"


@pytest.fixture
def conversation(inbound, drain_outbox, agent):
    from postventa.helpdesk.services import add_note, reply

    ticket, message, _c = inbound(
        "Quiero la devolución de la <script>alert(1)</script> cafetera", subject="Cafetera"
    )
    note = add_note(ticket=ticket, acting_user=agent, body="Devolución sospechosa, revisar")
    answer = reply(ticket=ticket, acting_user=agent, body="Tramitamos su devolución hoy")
    drain_outbox()
    return ticket, message, note, answer


def test_url_name_is_the_search_page():
    assert reverse("console:search") == URL


def test_tickets_messages_and_customers_with_highlight_and_links(client, agent, conversation):
    ticket, message, note, answer = conversation
    client.force_login(agent)
    page = client.get(URL, {"q": "devoluciones"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/console/tickets/{ticket.pk}/#m{message.pk}"' in html
    assert f'href="/console/tickets/{ticket.pk}/#m{note.pk}"' in html
    assert f"#{ticket.number} Cafetera" in html
    assert "<mark>devolución</mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Internal note" in html or "Nota interna" in html
    customer_page = client.get(URL, {"q": "garcia"}).content.decode()
    assert f"/console/customers/{ticket.customer_id}/" in customer_page
    assert f'href="/console/tickets/{ticket.pk}/"' in customer_page


def test_type_and_filter_parameters(client, supervisor, conversation):
    ticket, message, note, answer = conversation
    client.force_login(supervisor)
    only_tickets = client.get(URL, {"q": "cafetera", "kind": "ticket"}).content.decode()
    assert f'href="/console/tickets/{ticket.pk}/"' in only_tickets
    assert "#m" not in only_tickets
    closed = client.get(URL, {"q": "devolucion", "status": "closed"}).content.decode()
    assert f"#m{message.pk}" not in closed
    chat = client.get(URL, {"q": "devolucion", "channel": "web_chat"}).content.decode()
    assert f"#m{message.pk}" not in chat
    ticket.refresh_from_db()
    assignee = ticket.assignee_id or "none"
    email = client.get(URL, {"q": "devolucion", "channel": "email", "assignee": assignee}).content.decode()
    assert f"#m{message.pk}" in email
    other = "none" if ticket.assignee_id else supervisor.pk
    assert f"#m{message.pk}" not in client.get(URL, {"q": "devolucion", "assignee": other}).content.decode()
    # bad input: a clear message, no crash
    bad = client.get(
        URL, {"q": "devolucion", "from": "31/12/2025", "page": "zz", "team": "x", "kind": "nope"}
    )
    assert bad.status_code == 200
    assert "2025-01-31" in bad.content.decode()
    backwards = client.get(URL, {"q": "devolucion", "from": "2025-02-01", "to": "2025-01-01"})
    assert "start date is after" in backwards.content.decode() or "posterior" in backwards.content.decode()


def test_user_without_ticket_permission_sees_no_ticket_or_message(client, make_user, conversation):
    ticket, message, _note, _answer = conversation
    clerk = make_user("clara.clerk", role="", is_staff=True)
    client.force_login(clerk)
    response = client.get(URL, {"q": "devolucion cafetera"})
    if response.status_code == 200:
        html = response.content.decode()
        assert f"/console/tickets/{ticket.pk}/" not in html
        assert "<mark>" not in html
    else:
        assert response.status_code in (302, 403)


def test_agent_outside_the_team_does_not_find_the_ticket(
    client, make_user, supervisor, conversation, team_tech, drain_outbox
):
    from postventa.helpdesk.services import ticket_update

    ticket, message, _note, _answer = conversation
    ticket_update(ticket=ticket, acting_user=supervisor, changes={"team_id": team_tech.pk})
    drain_outbox()
    outsider = make_user("otto.agent", role="agent")
    client.force_login(outsider)
    assert f"/console/tickets/{ticket.pk}/" not in client.get(URL, {"q": "devolucion"}).content.decode()
    client.force_login(supervisor)
    assert f"/console/tickets/{ticket.pk}/" in client.get(URL, {"q": "devolucion"}).content.decode()


def test_pages_keep_the_filters(client, admin_user, inbound, drain_outbox):
    for n in range(23):
        inbound(f"Consulta de garantía número {n}", subject=f"Garantía {n}", external_id=f"g{n}")
    drain_outbox()
    client.force_login(admin_user)
    first = client.get(URL, {"q": "garantia", "kind": "message", "channel": "email"}).content.decode()
    assert first.count('class="badge info"') == 20
    assert "page=2" in first and "channel=email" in first
    second = client.get(
        URL, {"q": "garantia", "kind": "message", "channel": "email", "page": 2}
    ).content.decode()
    assert second.count('class="badge info"') == 3
    assert 'rel="next"' not in second and 'rel="prev"' in second
