"""In Chromium: an agent works the inbox by keyboard, answers a ticket, and sees a colleague there."""

from __future__ import annotations

import os
import re

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and os.environ.get("CI", "").lower() != "true",
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page(browser_context_factory):
    page = browser_context_factory("en-GB").new_page()
    page.set_default_timeout(10_000)
    return page


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")


def test_agent_answers_from_the_keyboard(browser_page, live_server, agent, make_user, inbound):
    from postventa.helpdesk import presence
    from postventa.helpdesk.models import Message

    page = browser_page
    older, _m, _ = inbound(subject="Older question")
    newest, _m2, _ = inbound(subject="Kettle leaks", body="Water everywhere")
    colleague = make_user("carla.colleague", role="agent", first_name="Carla")
    _login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/console/tickets/")
    page.get_by_role("link", name="Kettle leaks").wait_for()
    # j selects the first row (newest activity), Enter opens it
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/console/tickets/{newest.pk}/")
    page.get_by_text("Water everywhere").wait_for()
    # a colleague opens the same ticket and starts typing; the poll shows it
    presence.presence_touch(ticket_id=newest.pk, user=colleague, state="replying")
    page.locator("#presence").get_by_text(re.compile("Carla (is replying|está respondiendo)")).wait_for(timeout=15_000)
    # answer
    page.fill("#c-body", "Please send a photo of the base.")
    page.click("form[data-hd-composer] button[type=submit]")
    page.locator(".hd-msg.hd-out").get_by_text("Please send a photo of the base.").wait_for()
    reply = Message.objects.get(body_text="Please send a photo of the base.")
    assert reply.ticket_id == newest.pk and reply.author_user_id == agent.pk
    newest.refresh_from_db()
    assert newest.status == "pending" and newest.assignee_id == agent.pk
    assert older.pk != newest.pk
