"""The visitor leaves -> replies go by email; console pages; the demo page; widget settings."""

from __future__ import annotations

import datetime as dt

import pytest
from chattools import ORIGIN
from django.utils import timezone


@pytest.fixture
def chat_ticket(widget, available_agent):
    """A visitor who chatted (session + ticket), without sockets: services only."""
    from postventa.messaging.chat import services

    session, _token = services.session_start(widget=widget, page_url=f"{ORIGIN}/cart", language="es")
    services.session_identify(session=session, name="Lucía Gómez", email="lucia@example.com")
    services.visitor_message(session=session, text="¿Tenéis la pieza 123?")
    session.refresh_from_db()
    return session


def test_reply_after_the_visitor_left_goes_by_email(chat_ticket, available_agent, smtp_server, drain_outbox):
    from postventa.helpdesk.services import reply
    from postventa.messaging.chat.models import ChatSession

    gone = timezone.now() - dt.timedelta(minutes=3)
    ChatSession.objects.filter(pk=chat_ticket.pk).update(last_seen_at=gone, connections=0)
    message = reply(ticket=chat_ticket.ticket, acting_user=available_agent, body="Sí, la tenemos: 12,50 €.")
    drain_outbox()
    drain_outbox()  # idempotent: a second run sends nothing more

    mails = smtp_server.wait_for(1)
    assert len(mails) == 1
    mail = mails[0]
    assert "lucia@example.com" in mail["To"]
    assert chat_ticket.ticket.token in mail["Subject"]
    assert "Sí, la tenemos: 12,50 €." in mail.get_body(preferencelist=("plain",)).get_content()
    chat_ticket.refresh_from_db()
    message.refresh_from_db()
    assert chat_ticket.status == "ended" and chat_ticket.ended_at is not None
    assert message.delivery_status == "sent"
    from postventa.notifications.models import Notification

    assert Notification.objects.filter(idempotency_key=f"chat-followup:{message.pk}").count() == 1


def test_reply_while_the_visitor_is_here_sends_no_email(
    chat_ticket, available_agent, smtp_server, drain_outbox
):
    from postventa.helpdesk.services import reply

    message = reply(ticket=chat_ticket.ticket, acting_user=available_agent, body="Un momento…")
    drain_outbox()
    chat_ticket.refresh_from_db()
    message.refresh_from_db()
    assert chat_ticket.status == "open"
    assert message.delivery_status == "sent"
    assert smtp_server.wait_for(1, timeout=0.5) == []  # no email: the socket delivered it


def test_idle_sessions_end_and_missed_replies_are_emailed(
    chat_ticket, available_agent, smtp_server, drain_outbox
):
    from postventa.helpdesk.services import reply
    from postventa.messaging.chat import services
    from postventa.messaging.chat.models import ChatSession

    # The visitor was here when the agent answered, then closed the tab before reading it.
    answer = reply(ticket=chat_ticket.ticket, acting_user=available_agent, body="Te la reservo.")
    drain_outbox()
    last_seen = answer.created_at - dt.timedelta(seconds=1)
    ChatSession.objects.filter(pk=chat_ticket.pk).update(last_seen_at=last_seen, connections=0)
    assert services.end_idle_sessions(now=last_seen + dt.timedelta(seconds=30)) == 0  # not gone long enough
    assert services.end_idle_sessions(now=last_seen + dt.timedelta(minutes=3)) == 1
    chat_ticket.refresh_from_db()
    assert chat_ticket.status == "ended"
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp_server.wait_for(1)]
    assert any("Te la reservo." in b for b in bodies)


def test_live_chats_page_lists_open_sessions_with_unread(
    chat_ticket, client, available_agent, django_assert_max_num_queries
):
    from postventa.messaging.chat import services

    services.visitor_message(session=chat_ticket, text="¿Hola?")
    client.force_login(available_agent)
    with django_assert_max_num_queries(12):
        response = client.get("/console/chat/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lucía Gómez" in html and chat_ticket.ticket.token in html
    assert '<span class="badge warn">2</span>' in html
    services.mark_read(session_id=chat_ticket.pk)
    response = client.get("/console/chat/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert '<span class="badge warn">' not in response.content.decode()


def test_widget_settings_create_edit_and_snippet(
    client, supervisor, agent, widget, django_assert_max_num_queries
):
    from postventa.core.models import AuditEntry
    from postventa.messaging.chat.models import WidgetConfig

    client.force_login(agent)
    assert client.get("/console/chat/widgets/").status_code == 403
    client.force_login(supervisor)
    with django_assert_max_num_queries(10):
        assert client.get("/console/chat/widgets/").status_code == 200
    bad = client.post(
        "/console/chat/widgets/new/", {"name": "Shop 2", "allowed_origins": "not a site", "colour": "#123456"}
    )
    assert bad.status_code == 400
    response = client.post(
        "/console/chat/widgets/new/",
        {"name": "Shop 2", "allowed_origins": "https://b.example.com/\nhttps://b.example.com", "colour": "#123456",
         "greeting_es": "Hola", "offline_form_enabled": "on", "is_active": "on"},
    )  # fmt: skip
    created = WidgetConfig.objects.get(name="Shop 2")
    assert response.status_code == 302
    assert created.allowed_origins == ["https://b.example.com"] and created.offline_form_enabled
    page = client.get(f"/console/chat/widgets/{created.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-widget="{created.key}"' in html and "/static/postventa/chat/widget.js" in html
    assert "ws://testserver:8001" in html
    assert AuditEntry.objects.filter(action="chat.widget_created").exists()


def test_demo_page_embeds_the_widget(client, widget):
    response = client.get(f"/chat/demo/?key={widget.key}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-widget="{widget.key}"' in html and "widget.js" in html


def test_offline_when_the_calendar_is_closed(widget, available_agent):
    from postventa.core.models import BusinessCalendar
    from postventa.messaging.chat.selectors import widget_online

    assert widget_online(widget) is True
    widget.calendar = BusinessCalendar.objects.create(name="Never open")  # no weekly hours at all
    widget.save()
    assert widget_online(widget) is False


def test_conversation_page_shows_the_chat_to_agents_who_may_see_it(
    chat_ticket, client, available_agent, make_user
):
    from postventa.accounts.models import Team

    client.force_login(available_agent)
    response = client.get(f"/console/chat/{chat_ticket.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "¿Tenéis la pieza 123?" in html and 'id="pv-live-panel"' in html
    assert f'data-ticket="{chat_ticket.ticket_id}"' in html and "ws://testserver:8001/ws/agent/" in html
    chat_ticket.refresh_from_db()
    assert chat_ticket.agent_read_at is not None

    team = Team.objects.create(name="Repairs")
    chat_ticket.ticket.team = team
    chat_ticket.ticket.save()
    outsider = make_user("otto.outsider", role="agent")
    client.force_login(outsider)
    assert client.get(f"/console/chat/{chat_ticket.pk}/").status_code == 404
