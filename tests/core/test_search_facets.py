"""core.search facets, scopes, bulk indexing and the bounded ranking window (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from postventa.core import search
from postventa.core.models import SearchDocument
from postventa.core.search import backends

pytestmark = pytest.mark.django_db


def ids(hits) -> list[str]:
    return sorted(h.object_id for h in hits)


def test_staff_only_documents_are_hidden_when_asked():
    search.index_document("note", 1, "Nota", "Cliente difícil", staff_only=True, customer_id=7)
    search.index_document("note", 2, "Respuesta", "Cliente atendido", customer_id=7)
    assert ids(search.search("cliente")) == ["1", "2"]
    assert ids(search.search("cliente", staff_only=False)) == ["2"]
    assert ids(search.search("cliente", customer_id=7, staff_only=False)) == ["2"]
    assert ids(search.search("cliente", customer_id=8)) == []


def test_filters_need_the_facet():
    at = timezone.now() - dt.timedelta(days=3)
    search.index_document("t", 1, "Pedido", "", status="open", channel="email", assignee_id=5, occurred_at=at)
    search.index_document("t", 2, "Pedido", "", status="closed", channel="phone", team_id=3)
    search.index_document("c", 3, "Pedido", "")  # no facets at all (a customer)
    F = backends.Filters
    assert ids(search.search("pedido")) == ["1", "2", "3"]
    assert ids(search.search("pedido", filters=F(statuses=("open", "pending")))) == ["1"]
    assert ids(search.search("pedido", filters=F(channels=("phone",)))) == ["2"]
    assert ids(search.search("pedido", filters=F(team_id=3))) == ["2"]
    assert ids(search.search("pedido", filters=F(assignee_id=5))) == ["1"]
    assert ids(search.search("pedido", filters=F(unassigned=True))) == ["2"]
    assert ids(search.search("pedido", filters=F(since=at - dt.timedelta(hours=1)))) == ["1"]
    assert ids(search.search("pedido", filters=F(until=at))) == []
    assert not F()


def test_scopes_per_kind_teams_assignee_and_notes():
    search.index_document("t", 1, "Avería", "", team_id=1)
    search.index_document("t", 2, "Avería", "", team_id=2)
    search.index_document("t", 3, "Avería", "", team_id=2, assignee_id=9)
    search.index_document("t", 4, "Avería", "")
    search.index_document("m", 5, "Avería", "", team_id=2, staff_only=True)
    search.index_document("m", 6, "Avería", "", team_id=1, staff_only=True)
    terms = search.text.terms("averia")

    def run(scopes):
        found = backends.ranked_ids(terms, kinds=None, scopes=scopes, limit=50)
        docs = SearchDocument.objects.in_bulk([pk for pk, _r in found])
        return sorted(docs[pk].object_id for pk, _r in found)

    agent = backends.Scope(team_ids=(1,), assignee_id=9)
    assert run({"t": agent}) == ["1", "3", "4"]
    assert run({"t": agent, "m": agent}) == ["1", "3", "4", "6"]
    assert run({"t": agent, "m": backends.Scope(team_ids=(1,), staff_only=False)}) == ["1", "3", "4"]
    assert run({"t": backends.Scope()}) == ["1", "2", "3", "4"]


def test_bulk_index_documents_updates_in_place_and_removes():
    search.index_documents(
        "k", {1: {"title": "Lavadora", "body": "ruido"}, 2: {"title": "Horno", "body": ""}}
    )
    before = dict(SearchDocument.objects.filter(kind="k").values_list("object_id", "pk"))
    written = search.index_documents(
        "k", {1: {"title": "Secadora", "body": "ruido fuerte"}, 2: None, 3: None}
    )
    assert written == 1
    assert dict(SearchDocument.objects.filter(kind="k").values_list("object_id", "pk")) == {"1": before["1"]}
    assert ids(search.search("secadoras")) == ["1"]
    assert search.search("lavadora") == []  # the full-text index followed the bulk update


def test_update_facets_does_not_disturb_the_text_index():
    search.index_document(
        "m", 1, "#7 Asunto", "Texto del mensaje", title_indexed=False, parent_id=7, status="new"
    )
    assert search.search("asunto") == []  # a title shown, not searched
    assert search.update_facets("m", parent_id=7, status="solved", title="#7 Otro") == 1
    doc = SearchDocument.objects.get(kind="m")
    assert (doc.status, doc.title) == ("solved", "#7 Otro")
    assert ids(search.search("mensaje", filters=backends.Filters(statuses=("solved",)))) == ["1"]
    with pytest.raises(TypeError):
        search.update_facets("m", parent_id=7, stemmed_body="x")
    with pytest.raises(TypeError):
        search.index_document("m", 2, "x", "y", colour="red")


def test_only_the_newest_matches_are_ranked_and_pages_stop_there():
    for n in range(12):
        search.index_document("n", n, "Garantía", "nada que ver aquí" if n % 2 else "la garantía cubre")
    terms = search.text.terms("garantia")
    window = backends.ranked_ids(terms, kinds=["n"], limit=50, window=5)
    docs = SearchDocument.objects.in_bulk([pk for pk, _r in window])
    assert sorted(int(docs[pk].object_id) for pk, _r in window) == [7, 8, 9, 10, 11]
    # ranked within the window: the documents saying it in the body too come first
    assert int(docs[window[0][0]].object_id) in (8, 10)
    assert backends.ranked_ids(terms, kinds=["n"], limit=5, offset=5, window=5) == []
    page1 = search.search("garantia", limit=6)
    page2 = search.search("garantia", limit=6, offset=6)
    assert len(set(ids(page1)) | set(ids(page2))) == 12


def test_query_plan_walks_the_index_newest_first():
    """The ranked candidates come from the full-text index, not a scan of the document table."""
    search.index_document("n", 1, "Factura", "factura")
    terms = search.text.terms("factura")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT rowid FROM core_searchdocument_fts"
                " WHERE core_searchdocument_fts MATCH %s ORDER BY rowid DESC LIMIT 10",
                [backends._fts5_query(terms)],
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'core_searchdocument_vector_gin'"
            )
            assert "gin (search_vector)" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'core_searchdocument'::regclass"
                " AND attname = 'search_vector'"
            )
            assert cursor.fetchone()[0] == "s"  # stored generated column: not computed per query
