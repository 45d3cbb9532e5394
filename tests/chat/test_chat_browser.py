"""Chromium: a customer chats from the widget on a shop page and an agent answers live.

The page and widget.js come from Django's live server; the sockets from the real ASGI app served
by granian (embedded, in a thread of this process, so it sees the test database).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which("chromium") or os.path.exists(CHROMIUM)), reason="chromium not installed"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chat_server(layer_path):
    """granian (ASGI, embedded) serving postventa.asgi:application on a free port."""
    from granian.constants import Interfaces
    from granian.server.embed import Server

    from postventa.asgi import application

    port = _free_port()
    server = Server(application, address="127.0.0.1", port=port, interface=Interfaces.ASGI)
    loop = asyncio.new_event_loop()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())
        # The channel layer's poller outlives the server: stop it cleanly with the loop.
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"ws://127.0.0.1:{port}"
    loop.call_soon_threadsafe(server.stop)
    thread.join(5)


@pytest.fixture
def chromium(browser, settings):
    return browser


def test_customer_chats_and_agent_answers_live(
    live_server, chat_server, chromium, widget, available_agent, settings
):
    from postventa.helpdesk.models import Ticket
    from postventa.helpdesk.services import reply

    # "localhost", like the live server: the agent's session cookie goes to the socket too.
    settings.CHAT_SOCKET_URL = chat_server.replace("127.0.0.1", "localhost")
    settings.BASE_URL = live_server.url
    widget.allowed_origins = [live_server.url]
    widget.save()

    context = chromium.new_context(locale="es-ES")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/chat/demo/?key={widget.key}")
    launcher = page.locator("[data-postventa-chat] >> css=button.launcher")
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    panel = page.locator("[data-postventa-chat] >> css=section.panel")
    identify = panel.locator("form.identify")
    identify.get_by_label("Nombre").fill("Lucía Gómez")
    identify.get_by_label("Correo electrónico").fill("lucia@example.com")
    identify.get_by_role("button", name="Empezar").click()
    box = panel.locator("form.compose textarea")
    box.fill("¿Tenéis la pieza 123?")
    box.press("Enter")
    log = panel.locator("[role=log]")
    log.get_by_text("¿Tenéis la pieza 123?").wait_for()

    deadline = time.time() + 5
    ticket = None
    while ticket is None and time.time() < deadline:
        ticket = Ticket.objects.filter(customer__email="lucia@example.com").first()
        time.sleep(0.05)
    assert ticket is not None and ticket.channel == "web_chat"
    assert ticket.messages.get().body_text == "¿Tenéis la pieza 123?"

    # The agent answers from the console (the reply service the ticket page's form calls).
    reply(ticket=ticket, acting_user=available_agent, body="Sí, la tenemos en stock.")
    log.get_by_text("Sí, la tenemos en stock.").wait_for()
    assert "Alex" in log.inner_text()
    assert log.get_attribute("aria-live") == "polite"

    # The agent's console: the chat's page, live over the agent socket (session cookie).
    from django.test import Client

    from postventa.messaging.chat.models import ChatSession

    staff = Client()
    staff.force_login(available_agent)
    agent_context = chromium.new_context(locale="es-ES")
    agent_context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    agent_page = agent_context.new_page()
    agent_page.set_default_timeout(10_000)
    session = ChatSession.objects.get(ticket=ticket)
    agent_page.goto(f"{live_server.url}/console/chat/{session.pk}/")
    agent_panel = agent_page.locator("#pv-live-panel")
    agent_panel.get_by_text("¿Tenéis la pieza 123?").wait_for()
    agent_panel.locator("[data-live-state].ok").wait_for()  # joined, and the visitor is here

    box.fill("¿Y cuánto cuesta?")  # typing reaches the agent...
    agent_panel.locator("[data-live-typing]").get_by_text("escribiendo").wait_for()
    box.press("Enter")  # ...and so does the message
    agent_panel.get_by_text("¿Y cuánto cuesta?").wait_for()

    agent_box = agent_panel.locator("textarea")
    agent_box.fill("12,50 €")
    panel.locator(".typing").get_by_text("escribiendo").wait_for()
    agent_box.press("Enter")
    log.get_by_text("12,50 €").wait_for()
    assert ticket.messages.filter(direction="outbound", body_text="12,50 €").exists()
    agent_context.close()

    # Keyboard: Escape closes the panel and gives focus back to the launcher.
    box.press("Escape")
    assert launcher.get_attribute("aria-expanded") == "false"
    context.close()
