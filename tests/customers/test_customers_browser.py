"""In a real browser: the 360 page's HTMX consent buttons and timeline paging work from the keyboard."""

from __future__ import annotations

import os
import shutil

import pytest

from postventa.customers.models import Consent
from postventa.customers.services import customer_create, customer_note_add

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") or os.path.exists(CHROMIUM)) and os.environ.get("CI", "").lower() != "true",
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


@pytest.fixture
def page(browser_context_factory, transactional_db):
    page = browser_context_factory("en-GB").new_page()
    page.set_default_timeout(10_000)
    return page


def test_consent_toggle_and_timeline_paging(page, live_server, make_user):
    agent = make_user("bea.agent", role="agent")
    ana = customer_create(acting_user=agent, first_name="Ana", last_name="López", emails=["ana@example.com"])
    for i in range(25):
        customer_note_add(customer=ana, acting_user=agent, text=f"note {i}")
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", "bea.agent")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")
    page.goto(f"{live_server.url}/console/customers/{ana.pk}/")
    assert "Ana López" in page.inner_text("h1")
    # Grant marketing by SMS with the keyboard: focus the button and press Enter; HTMX swaps the card.
    page.evaluate("window.__same_page = true")
    page.focus("#consents tbody tr:nth-child(2) td:nth-child(3) button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#consents tbody tr:nth-child(2) td:nth-child(3) .badge.ok")
    assert Consent.objects.get(customer=ana, channel="sms", purpose="marketing").status == "granted"
    assert page.evaluate("window.__same_page === true")  # swapped in place, no reload
    # Older timeline entries load into the list.
    assert page.locator("#timeline-list li", has_text="note 0").count() == 0
    page.click("#timeline-more a")
    page.wait_for_selector("#timeline-list li:has-text('note 0')")


def test_segment_preview_in_place(page, live_server, make_user):
    make_user("nora.analyst", role="analyst")
    customer_create(acting_user=None, first_name="Ana", tags=["vip"])
    customer_create(acting_user=None, first_name="Ben")
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", "nora.analyst")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")
    page.goto(f"{live_server.url}/console/customers/segments/new/")
    page.fill("#id_name", "VIP")
    page.select_option("#id_cond_0_key", "tag")
    page.fill("#id_cond_0_value", "vip")
    page.evaluate("window.__same_page = true")
    page.click("button[name=preview]")
    page.wait_for_selector("#segment-preview h2")
    assert "1" in page.inner_text("#segment-preview h2")
    assert "Ana" in page.inner_text("#segment-preview")
    assert page.evaluate("window.__same_page === true")  # HTMX swapped the preview, no reload
    from postventa.customers.models import Segment

    assert Segment.objects.count() == 0
    page.click("button.primary[type=submit]")
    page.wait_for_url("**/segments/*/")
    assert Segment.objects.get().definition["conditions"] == [{"key": "tag", "params": {"tag": "vip"}}]
