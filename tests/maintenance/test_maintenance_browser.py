"""In Chromium: a customer books a maintenance visit in the portal; a supervisor sees it, confirms it
and looks at the plan and the owner-notice preview in the console. Screenshots in /tmp/maint-shots."""

from __future__ import annotations

import datetime as dt
import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/maint-shots"


def _portal_cookie(context, live_server, customer) -> None:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from postventa.helpdesk import portal_auth

    session = SessionStore()
    session[portal_auth.SESSION_KEY] = customer.pk
    session.save()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])


def login(page, live_server, username: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form:has(#id_username) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/**")


def test_customer_books_and_supervisor_confirms(browser_context_factory, live_server, customer, product, make_asset,
                                                supervisor):  # fmt: skip
    from django.utils import timezone

    from postventa.aftercare.maintenance import schedule, services
    from postventa.aftercare.maintenance.models import ServiceVisit

    os.makedirs(SHOTS, exist_ok=True)
    plan = services.plan_save(acting_user=supervisor, product=product, interval_months=12,
                              service_es="Revisión de rodamientos y limpieza del tambor.")  # fmt: skip
    services.consumable_add(acting_user=supervisor, plan=plan, name_es="Filtro de la bomba", name_en="Pump filter",
                            period_months=6)  # fmt: skip
    asset = make_asset(customer, product, "SN-0001", purchased_on=dt.date(2024, 5, 10))
    schedule.schedule_reminders(asset_ids=[asset.pk])

    context = browser_context_factory("es-ES")
    _portal_cookie(context, live_server, customer)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/maintenance/")
    assert page.locator("h1").inner_text() == "Mantenimiento de mis productos"
    assert page.get_by_text("Filtro de la bomba").count() >= 1
    page.screenshot(path=f"{SHOTS}/portal-maintenance.png", full_page=True)
    page.get_by_role("link", name="Reservar una visita de mantenimiento").click()
    day = (timezone.now() + dt.timedelta(days=7)).date().isoformat()
    page.fill("#b-date", day)
    page.select_option("#b-slot", "morning")
    page.fill("#b-note", "Timbre 3B")
    page.get_by_role("button", name="Solicitar la visita").click()
    page.wait_for_url(f"{live_server.url}/maintenance/")
    assert page.locator(".badge", has_text="Solicitada").count() == 2  # on the product card and in "My visits"
    visit = ServiceVisit.objects.get()
    assert (visit.preferred_date.isoformat(), visit.slot, visit.note) == (day, "morning", "Timbre 3B")

    staff = browser_context_factory("es-ES").new_page()
    staff.set_default_timeout(60_000)
    login(staff, live_server, supervisor.username)
    staff.goto(f"{live_server.url}/console/maintenance/visits/{visit.pk}/")
    staff.screenshot(path=f"{SHOTS}/console-visit.png", full_page=True)
    staff.get_by_role("button", name="Confirmar visita").click()
    staff.wait_for_url(f"{live_server.url}/console/maintenance/visits/{visit.pk}/")
    visit.refresh_from_db()
    assert visit.status == "confirmed" and visit.scheduled_for is not None
    staff.goto(f"{live_server.url}/console/maintenance/products/{product.pk}/")
    assert staff.get_by_text("Filtro de la bomba").count() >= 1
    staff.screenshot(path=f"{SHOTS}/console-plan.png", full_page=True)
    staff.goto(f"{live_server.url}/console/maintenance/")
    staff.screenshot(path=f"{SHOTS}/console-plans.png", full_page=True)
    staff.goto(f"{live_server.url}/console/maintenance/notices/new/?product={product.pk}")
    staff.fill("#n-ses", "Revisión de seguridad")
    staff.fill("#n-mes", "Deje de usar la lavadora hasta la visita.")
    staff.get_by_role("button", name="Comprobar propietarios").click()
    assert staff.get_by_text("Este aviso llegará a 1 propietarios").count() == 1
    staff.screenshot(path=f"{SHOTS}/console-notice-new.png", full_page=True)
