"""In Chromium: an agent looks a serial up on the coverage page; a customer reads My products.

Screenshots go to var/screens/ (looked at by hand when the pages change).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pv_warranties_helpers import make_asset, make_customer, make_product, utc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def _login(page, live_server, username: str) -> None:
    page.set_default_timeout(60_000)  # two shared cores: the first page can be slow
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")


def _data(admin_user):
    from postventa.aftercare.warranties import services

    terms = services.terms_create(
        acting_user=admin_user,
        slug="plus",
        title_es="Garantía Plus",
        title_en="Plus warranty",
        body_es="Cubre piezas y mano de obra.",
        body_en="Covers parts and labour.",
    )
    services.terms_version_publish(acting_user=admin_user, version=terms.versions.get())
    customer = make_customer("lucia@example.com")
    product = make_product("LAV-BOS-W8", brand="Bosch", warranty_months=60)
    asset = make_asset(
        product=product, customer=customer, delivered_at=utc(2024, 3, 14, 10), serial="WTX123456"
    )
    services.extended_warranty_sell(acting_user=admin_user, asset=asset, terms=terms, months=24, price="79")
    make_asset(customer=customer, purchased_on=utc(2021, 5, 2).date(), serial="OLD-777")
    return customer, asset


def test_agent_looks_up_coverage(page, live_server, agent, admin_user):
    _customer, asset = _data(admin_user)
    _login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/console/warranties/")
    page.fill("#f-q", "WTX123456")
    page.click("form[role=search] button[type=submit]")
    page.locator("section.coverage").wait_for()
    text = page.locator("#coverage-results").inner_text()
    assert "Cubierto por la garantía legal hasta el 14 de marzo de 2027" in text
    assert "Garantía Plus" in text or "garantía extendida" in text.lower()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "warranties-console-lookup.png"), full_page=True)
    page.goto(f"{live_server.url}/console/warranties/terms/")
    page.screenshot(path=str(SCREENS / "warranties-console-terms.png"), full_page=True)


def test_customer_reads_my_products(page, live_server, admin_user):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from postventa.helpdesk import portal_auth

    customer, _asset = _data(admin_user)
    page.set_default_timeout(60_000)
    session = SessionStore()
    session[portal_auth.SESSION_KEY] = customer.pk
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/products/")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "warranties-portal-products.png"), full_page=True)
    text = page.locator("main").inner_text()
    assert "WTX123456" in text and "OLD-777" in text
    assert "Sin cobertura: la garantía legal terminó el 2 de mayo de 2023." in text, text
    page.locator("a[href*='/products/terms/']").first.click()
    assert "Cubre piezas y mano de obra." in page.locator("main").inner_text()
