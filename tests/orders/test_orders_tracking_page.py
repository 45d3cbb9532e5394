import pytest
from pv_orders_helpers import make_customer, make_order, walk

from postventa.orders.shipments import shipment_create
from postventa.orders.tracking import make_token

URL = "/track/"


@pytest.fixture
def order(db):
    order = walk(
        make_order(make_customer("lucia@example.com", language="en")), "paid", "preparing", "shipped"
    )
    shipment_create(
        acting_user=None,
        order=order,
        carrier="seur",
        tracking_number="SEUR9",
        tracking_url="https://seur.example/9",
    )
    return order


def test_form_renders(client, db):
    response = client.get(URL, {"number": "PV-1001"})
    assert response.status_code == 200
    assert 'value="PV-1001"' in response.content.decode()


def test_match_by_email_shows_timeline_in_customers_language(client, order):
    response = client.post(URL, {"number": "pv-1001", "email": " Lucia@Example.com "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Order PV-1001" in body
    assert "Shipped" in body and "Preparing" in body
    assert "SEUR9" in body
    assert "Lavadora EcoWash 8 kg" in body
    assert 'lang="en"' in body


def test_match_by_postcode_ignores_spaces_and_case(client, order):
    response = client.post(URL, {"number": "PV-1001", "postcode": " 280 13 "})
    assert response.status_code == 200
    assert "SEUR9" in response.content.decode()


def test_visitor_choice_of_language_wins(client, order, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(
        URL, {"number": "PV-1001", "email": "lucia@example.com"}, headers={"Accept-Language": "es"}
    )
    assert 'lang="es"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"number": "PV-1001", "email": "other@example.com"},
        {"number": "PV-1001", "postcode": "08001"},
        {"number": "PV-1001"},
        {"number": "PV-9999", "email": "lucia@example.com"},
        {"number": "", "email": ""},
    ],
)
def test_no_match_reveals_nothing(client, order, data):
    response = client.post(URL, data)
    miss = client.post(URL, {"number": "NOPE-1", "email": "nobody@example.com"})
    assert response.status_code == miss.status_code == 200
    body = response.content.decode()
    assert "could not find an order" in body or "No hemos encontrado" in body
    assert "SEUR9" not in body and "Lavadora" not in body

    # Same page shape whether or not the number exists: only the echoed input differs.
    def strip(html):
        for value in (data.get("number", ""), data.get("email", ""), data.get("postcode", "")):
            html = html.replace(value, "") if value else html
        return html

    def strip_miss(html):
        return html.replace("NOPE-1", "").replace("nobody@example.com", "")

    import re

    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", strip(body)) == token.sub("", strip_miss(miss.content.decode()))


def test_rate_limit_answers_429_after_the_limit(client, order, settings):
    settings.PUBLIC_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert client.post(URL, {"number": "PV-1001", "email": "x@example.com"}).status_code == 200
    response = client.post(URL, {"number": "PV-1001", "email": "lucia@example.com"})
    assert response.status_code == 429
    assert "SEUR9" not in response.content.decode()


def test_signed_link_opens_the_order_and_tampering_does_not(client, order):
    token = make_token(order)
    assert "SEUR9" in client.get(f"/track/o/{token}/").content.decode()
    tampered = client.get(f"/track/o/{token[:-2]}xx/")
    assert tampered.status_code == 200
    assert "SEUR9" not in tampered.content.decode()
