"""The quote approval link: signed, expiring, single-use, bound to one repair and one quote version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from postventa.aftercare.repairs import quote_links, services
from postventa.aftercare.repairs.models import QuoteToken, RepairOrder
from postventa.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _path(repair, token: str) -> str:
    return reverse("portal:repair_quote", kwargs={"number": repair.number, "token": token})


@pytest.fixture
def sent(make_repair, asset):
    repair = make_repair(asset, "quote_sent")
    return repair, quote_links.issue(repair)


def test_only_a_hash_of_the_secret_is_stored(sent):
    repair, token = sent
    data = signing.loads(token, salt=quote_links.SALT)
    row = QuoteToken.objects.get(repair=repair)
    assert data["s"] not in row.secret_hash
    assert len(row.secret_hash) == 64
    assert data["s"] not in token  # compressed and signed, not the raw secret in clear


def test_link_works_once(sent):
    repair, token = sent
    client = Client()
    assert client.get(_path(repair, token)).status_code == 200
    assert client.post(_path(repair, token), {"decision": "reject", "comment": "Muy caro"}).status_code == 200
    repair.refresh_from_db()
    assert repair.status == "rejected"
    res = client.post(_path(repair, token), {"decision": "approve"})
    assert res.status_code == 404
    assert "ya se ha usado" in res.content.decode()
    repair.refresh_from_db()
    assert repair.status == "rejected"


def test_expired_link_refused(sent, settings):
    repair, token = sent
    later = timezone.now() + dt.timedelta(days=quote_links.link_days(), minutes=1)
    with pytest.raises(ApplicationError) as exc:
        services.decide_quote_by_link(repair_number=repair.number, token=token, approve=True, now=later)
    assert exc.value.code == "link_expired"
    repair.refresh_from_db()
    assert repair.status == "quote_sent"
    assert QuoteToken.objects.get(repair=repair).used_at is None


def test_forged_or_tampered_link_refused(sent):
    repair, token = sent
    client = Client()
    data = signing.loads(token, salt=quote_links.SALT)
    # a valid signature with the wrong salt (another purpose) is not accepted
    other_purpose = signing.dumps(data, salt="postventa.something-else", compress=True)
    # right salt, but a guessed secret
    guessed = signing.dumps({**data, "s": "guess"}, salt=quote_links.SALT, compress=True)
    wrong_key = signing.dumps(data, key="not-the-secret-key", salt=quote_links.SALT, compress=True)
    for bad in (token[:-2] + "xx", other_purpose, guessed, wrong_key, "garbage"):
        assert client.post(_path(repair, bad), {"decision": "approve"}).status_code == 404
    repair.refresh_from_db()
    assert repair.status == "quote_sent"


def test_link_of_customer_a_cannot_touch_customer_b(make_repair, make_asset, customer, other_customer):
    repair_a = make_repair(make_asset(customer), "quote_sent")
    repair_b = make_repair(make_asset(other_customer), "quote_sent")
    token_a = quote_links.issue(repair_a)
    client = Client()
    # A's token under B's number: refused, and B's quote stays open
    assert client.get(_path(repair_b, token_a)).status_code == 404
    assert client.post(_path(repair_b, token_a), {"decision": "approve"}).status_code == 404
    # a token re-signed to point at B's repair needs B's secret, which A never had
    data = signing.loads(token_a, salt=quote_links.SALT)
    forged = signing.dumps({**data, "r": repair_b.pk}, salt=quote_links.SALT, compress=True)
    assert client.post(_path(repair_b, forged), {"decision": "approve"}).status_code == 404
    assert RepairOrder.objects.get(pk=repair_b.pk).status == "quote_sent"
    assert RepairOrder.objects.get(pk=repair_a.pk).status == "quote_sent"


def test_a_revised_quote_voids_the_old_link(sent, agent):
    repair, old = sent
    services.transition_repair(actor=agent, repair=repair, to_status="diagnosing")
    services.send_quote(actor=agent, repair=repair)
    res = Client().post(_path(repair, old), {"decision": "approve"})
    assert res.status_code == 404
    repair.refresh_from_db()
    assert repair.status == "quote_sent"
    fresh = quote_links.issue(repair)
    assert Client().post(_path(repair, fresh), {"decision": "approve"}).status_code == 200
    repair.refresh_from_db()
    assert repair.status == "approved"


def test_page_shows_the_quote_in_the_customers_language(make_repair, make_asset, other_customer):
    repair = make_repair(make_asset(other_customer), "quote_sent")  # Bruno reads English
    token = quote_links.issue(repair)
    res = Client(headers={"accept-language": "es"}).get(_path(repair, token))
    body = res.content.decode()
    assert res.status_code == 200
    assert "Approve the quote" in body and "Labour" in body and "VAT (21 %)" in body
    assert res["Content-Language"] == "en"


def test_no_decision_is_a_form_error(sent):
    repair, token = sent
    res = Client().post(_path(repair, token), {"decision": "maybe"})
    assert res.status_code == 400
    repair.refresh_from_db()
    assert repair.status == "quote_sent"
    assert QuoteToken.objects.get(repair=repair).used_at is None
