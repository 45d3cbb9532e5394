"""Booking a visit: from the signed link (tampering refused), from the portal (customer A vs B)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.maintenance import schedule, services
from postventa.aftercare.maintenance.models import MaintenanceReminder, ServiceVisit


@pytest.fixture
def reminder(customer, product, make_asset):
    asset = make_asset(customer, product, "SN-1", purchased_on=dt.date(2024, 1, 1))
    schedule.schedule_reminders(asset_ids=[asset.pk])
    return MaintenanceReminder.objects.get(asset=asset)


def _future(days=10) -> str:
    return (timezone.now() + dt.timedelta(days=days)).date().isoformat()


def test_booking_link_books_a_visit_once(client, reminder):
    url = reverse("portal:maintenance_book_link", args=[services.booking_token(reminder)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lavadora Test" in page.content.decode()
    done = client.post(url, {"preferred_date": _future(), "slot": "morning", "note": "Portal code 1234"})
    assert done.status_code == 200
    visit = ServiceVisit.objects.get()
    assert (visit.reminder_id, visit.source, visit.slot, visit.note) == (reminder.pk, "link", "morning", "Portal code 1234")
    again = client.post(url, {"preferred_date": _future(12), "slot": "any"})
    assert again.status_code == 400
    assert "Ya hay una visita reservada" in again.content.decode()
    assert ServiceVisit.objects.count() == 1


def test_tampered_or_forged_links_are_refused(client, reminder, other_customer, product, make_asset):
    token = services.booking_token(reminder)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, "x" * 40, token.replace(":", ".")):
        resp = client.post(reverse("portal:maintenance_book_link", args=[bad]), {"preferred_date": _future()})
        assert resp.status_code == 400
        assert "no es válido" in resp.content.decode() or "not valid" in resp.content.decode()
    # A genuine signature over another asset id is still refused: the reminder and asset must match.
    from django.core import signing

    b_asset = make_asset(other_customer, product, "SN-B")
    forged = signing.dumps({"r": reminder.pk, "a": b_asset.pk}, salt="wrong-salt", compress=True)
    assert client.get(reverse("portal:maintenance_book_link", args=[forged])).status_code == 400
    assert ServiceVisit.objects.count() == 0


def test_bad_booking_input_shows_a_clear_error(client, reminder):
    url = reverse("portal:maintenance_book_link", args=[services.booking_token(reminder)])
    for data, text in (({"preferred_date": "2020-01-01"}, "mañana"), ({"preferred_date": "soon"}, "AAAA-MM-DD"),
                       ({"preferred_date": _future(400)}, "180"), ({"preferred_date": _future(), "slot": "night"}, "franja")):  # fmt: skip
        resp = client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")
        assert resp.status_code == 400, data
        assert text in resp.content.decode(), (data, text)
    assert ServiceVisit.objects.count() == 0


def test_portal_customer_sees_only_their_assets(client, portal_login, customer, other_customer, product, make_asset):
    mine = make_asset(customer, product, "SN-MINE", purchased_on=dt.date(2024, 1, 1))
    theirs = make_asset(other_customer, product, "SN-THEIRS", purchased_on=dt.date(2024, 1, 1))
    theirs_visit = services.visit_book(asset=theirs, customer=other_customer, preferred_date=_future())
    portal_login(client, customer)
    page = client.get(reverse("portal:maintenance")).content.decode()
    assert "SN-MINE" in page and "SN-THEIRS" not in page
    assert client.get(reverse("portal:maintenance_book", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("portal:maintenance_book", args=[theirs.pk]), {"preferred_date": _future()}).status_code == 404
    assert client.post(reverse("portal:maintenance_visit_cancel", args=[theirs_visit.pk])).status_code == 404
    theirs_visit.refresh_from_db()
    assert theirs_visit.status == "requested"
    resp = client.post(reverse("portal:maintenance_book", args=[mine.pk]), {"preferred_date": _future(), "slot": "any"})
    assert resp.status_code == 302
    assert ServiceVisit.objects.filter(asset=mine, customer=customer, source="portal").count() == 1


def test_portal_requires_sign_in(client):
    resp = client.get(reverse("portal:maintenance"))
    assert resp.status_code == 302 and "login" in resp["Location"]
