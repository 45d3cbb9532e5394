"""Console and portal pages render with bounded queries; panels on the customer, asset and product pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postventa.aftercare.claims import services

from .conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_claims(make_customer, make_asset, agent):
    claims = []
    for i in range(6):
        customer = make_customer(f"C{i}", f"c{i}@example.com")
        asset = make_asset(customer, f"SN-L-{i}", days_ago=30 + i * 400, order=i % 2 == 0)
        claims.append(services.claim_file(customer=customer, asset=asset, channel="portal",
                                          symptoms=f"Fault number {i}: it does not start.", photos=[png()]))  # fmt: skip
    services.claim_start_review(claim=claims[0], actor=agent)
    return claims


def _queries(client, url, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(url, params)
    assert res.status_code == 200, res.status_code
    return len(ctx.captured_queries), res.content.decode()


def test_list_filters_and_bounded_queries(console_client, many_claims, make_customer, make_asset):
    n, html = _queries(console_client, reverse("console:claim_list"))
    assert all(c.number in html for c in many_claims)
    # more claims, same number of queries
    for i in range(6, 12):
        customer = make_customer(f"C{i}", f"c{i}@example.com")
        services.claim_file(customer=customer, asset=make_asset(customer, f"SN-L-{i}"), channel="portal",
                            symptoms="It does not start at all.")  # fmt: skip
    n2, _html = _queries(console_client, reverse("console:claim_list"))
    assert n2 == n and n <= 14
    _n, html = _queries(console_client, reverse("console:claim_list"), status="in_review")
    assert many_claims[0].number in html and many_claims[1].number not in html
    _n, html = _queries(console_client, reverse("console:claim_list"), coverage="out")
    out = [c for c in many_claims if not c.covered]
    assert (
        out
        and all(c.number in html for c in out)
        and not any(c.number in html for c in many_claims if c.covered)
    )
    _n, html = _queries(console_client, reverse("console:claim_list"), age="30", cursor="garbage")
    assert "no es válido" in html or "not valid" in html


def test_detail_shows_snapshot_photos_ticket_and_actions(console_client, many_claims):
    claim = many_claims[1]
    n, html = _queries(console_client, reverse("console:claim_detail", args=[claim.pk]))
    assert n <= 20
    assert claim.coverage_sentence in html.replace("&#x27;", "'")
    assert reverse("console:claim_photo", args=[claim.pk, claim.photos.get().pk]) in html
    assert reverse("console:ticket_detail", args=[claim.ticket_id]) in html
    assert reverse("console:claim_action", args=[claim.pk, "review"]) in html


def test_rate_report_and_panels(console_client, client, supervisor, many_claims):
    _n, html = _queries(console_client, reverse("console:claim_rate"), sort="claims")
    assert "WASHER-1" in html and ">6<" in html
    claim = many_claims[0]
    client.force_login(supervisor)
    html = client.get(reverse("console:customer_detail", args=[claim.customer_id])).content.decode()
    assert claim.number in html and "panel-claims" in html
    html = client.get(reverse("console:asset_detail", args=[claim.asset_id])).content.decode()
    assert claim.number in html
    html = client.get(reverse("console:product_detail", args=[claim.product_id])).content.decode()
    assert "panel-claims" in html or claim.number in html


def test_staff_files_a_claim_from_the_console(console_client, customer_a, asset_a):
    html = console_client.get(reverse("console:claim_new"), {"customer": customer_a.pk}).content.decode()
    assert asset_a.serial_number in html
    res = console_client.post(reverse("console:claim_new"), {"customer": customer_a.pk, "asset": asset_a.pk,
                                                             "symptoms": "Customer on the phone: drum is stuck.",
                                                             "preferred_remedy": "repair"})  # fmt: skip
    assert res.status_code == 302
    claim = customer_a.warranty_claims.get()
    assert claim.channel == "staff" and claim.filed_by is not None


def test_portal_pages(client, customer_a, asset_a, old_asset_a, portal_login, file_claim):
    claim = file_claim(customer_a, asset_a)
    portal_login(client, customer_a)
    html = client.get(reverse("portal:claims")).content.decode()
    assert claim.number in html
    html = client.get(reverse("portal:claim_new")).content.decode()
    assert asset_a.serial_number in html and old_asset_a.serial_number in html
    html = client.get(reverse("portal:claim_new"), {"asset": old_asset_a.pk}).content.decode()
    assert "Sin cobertura" in html and "igualmente" in html  # out of coverage: shown, still allowed
    html = client.get(reverse("portal:claim_detail", args=[claim.number])).content.decode()
    assert claim.number in html and reverse("portal:help_ticket", args=[claim.ticket.number]) in html
