"""Customers in the global search: kept current through the outbox, shown on /console/search/."""

from __future__ import annotations

import pytest

from postventa.core import search
from postventa.core.models import SearchDocument
from postventa.customers import services
from postventa.customers.gdpr import customer_erase
from postventa.customers.merge import customer_merge

pytestmark = pytest.mark.django_db


def _customer(user, **kw):
    data = {
        "first_name": "Ana",
        "last_name": "Gómez",
        "emails": ["ana.gomez@example.com"],
        "phones": ["+34 600 123 456"],
    }
    data.update(kw)
    return services.customer_create(acting_user=user, **data)


def ids(hits) -> list[str]:
    return [h.object_id for h in hits]


def test_created_customer_is_found_by_name_email_phone_tag(supervisor, drain_outbox):
    customer = _customer(supervisor, tags=["vip"], company_name="Hornos Gómez SL")
    assert search.search("gomez") == []  # indexed by the worker, not inside the request
    drain_outbox()
    doc = SearchDocument.objects.get(kind="customer")
    assert doc.object_id == str(customer.pk) and doc.customer_id == customer.pk
    for query in [
        "gomez",
        "Ana Gómez",
        "ana.gomez@example.com",
        "600123456",
        "+34 600 123 456",
        "vip",
        "hornos",
    ]:
        assert ids(search.search(query, kinds=["customer"])) == [str(customer.pk)], query


def test_updates_reach_the_index(supervisor, drain_outbox):
    customer = _customer(supervisor, emails=["ana@example.com"])
    drain_outbox()
    services.customer_update(customer=customer, acting_user=supervisor, data={"last_name": "Martínez"})
    services.customer_tags_set(customer=customer, acting_user=supervisor, tags=["moroso"])
    drain_outbox()
    assert search.search("gomez", kinds=["customer"]) == []
    assert ids(search.search("martinez moroso")) == [str(customer.pk)]


def test_erased_customers_disappear(supervisor, drain_outbox):
    customer = _customer(supervisor)
    drain_outbox()
    assert ids(search.search("gomez")) == [str(customer.pk)]
    customer_erase(customer=customer, acting_user=supervisor)
    drain_outbox()
    assert search.search("gomez") == []
    assert not SearchDocument.objects.filter(kind="customer").exists()
    search.reindex("customer")  # a rebuild does not bring them back
    assert search.search("gomez") == []


def test_merged_duplicate_leaves_the_index(supervisor, drain_outbox):
    target = _customer(supervisor)
    source = _customer(supervisor, first_name="Anita", emails=["anita@example.com"], phones=[])
    drain_outbox()
    customer_merge(source=source, target=target, acting_user=supervisor)
    drain_outbox()
    assert list(SearchDocument.objects.filter(kind="customer").values_list("object_id", flat=True)) == [
        str(target.pk)
    ]


def test_search_for_user_checks_kind_permission(supervisor, make_user, drain_outbox):
    _customer(supervisor)
    drain_outbox()
    assert len(search.search_for_user(supervisor, "gomez")) == 1
    nobody = make_user("no.role", role="none")
    assert search.search_for_user(nobody, "gomez") == []


# --- console page ------------------------------------------------------------------------------------


def test_console_search_page_ranks_and_highlights(
    console_client, supervisor, drain_outbox, django_assert_max_num_queries
):
    first = _customer(supervisor, first_name="<i>Ana</i>")
    for n in range(5):
        _customer(
            supervisor, first_name=f"Otro{n}", last_name="Pérez", emails=[f"gomez{n}@example.com"], phones=[]
        )
    drain_outbox()
    with django_assert_max_num_queries(12):  # session, user, choices, scopes, search, rows: not per hit
        res = console_client.get("/console/search/", {"q": "Gómez"})
    assert res.status_code == 200
    html = res.content.decode()
    assert "&lt;i&gt;Ana&lt;/i&gt; <mark>Gómez</mark>" in html
    assert f"/console/customers/{first.pk}/" in html
    rows = res.context["rows"]
    assert {row["hit"].kind for row in rows} == {"customer"}
    assert rows[0]["hit"].object_id == str(first.pk)  # name in the title beats the email
    assert len(rows) == 6


def test_console_search_empty_and_no_results(console_client):
    res = console_client.get("/console/search/")
    assert res.status_code == 200
    res = console_client.get("/console/search/", {"q": "zzzz"})
    assert res.status_code == 200
    assert res.context["rows"] == []
    assert "zzzz" in res.content.decode()


def test_console_search_needs_sign_in(client):
    res = client.get("/console/search/", {"q": "x"})
    assert res.status_code == 302


def test_receiver_tolerates_events_without_a_customer_id():
    import datetime as dt
    import uuid

    from postventa.core.events import Event
    from postventa.customers.search_index import on_customer_event

    event = Event(uuid.uuid4(), "customer.updated", {"n": 1}, None, None, dt.datetime.now(dt.UTC))
    on_customer_event(event)  # nothing to refresh, and no KeyError that would retry forever
    gone = Event(uuid.uuid4(), "customer.updated", {}, 987654, None, dt.datetime.now(dt.UTC))
    search.index_document("customer", 987654, "Fantasma", "", "es")
    on_customer_event(gone)  # the event's customer_id is used; the customer does not exist
    assert not SearchDocument.objects.filter(kind="customer").exists()
