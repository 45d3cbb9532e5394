"""Full-text search: one interface, SQLite FTS5 or PostgreSQL full-text underneath.

Apps feed it from their AppConfig.ready():

    register_indexer("customer", customer_document, all_ids=..., permission="customers.view",
                     label=_("Customers"), url_name="console:customer_detail")

`customer_document(object_id)` returns the fields of `index_document` (title, body, language,
customer_id, team_id) or None when the object must not be searchable (deleted, erased), and an
outbox receiver calls `refresh(kind, object_id)` when the object changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString

from postventa.core.models import SearchDocument
from postventa.core.search import backends
from postventa.core.search.highlight import SNIPPET_CHARS, highlight
from postventa.core.search.text import DEFAULT_LANGUAGE, LANGUAGES, matcher, stem_text, terms

__all__ = [
    "Hit",
    "Indexer",
    "index_document",
    "indexers",
    "object_ids",
    "refresh",
    "register_indexer",
    "reindex",
    "remove_document",
    "search",
    "search_for_user",
]

MAX_LIMIT = 100
MAX_OBJECT_IDS = 500


@dataclasses.dataclass(frozen=True)
class Hit:
    """One result: `snippet` and `title_html` are safe HTML (matches in <mark>, the rest escaped)."""

    kind: str
    object_id: str
    title: str
    snippet: SafeString
    rank: float
    title_html: SafeString = SafeString("")
    customer_id: int | None = None
    team_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Indexer:
    kind: str
    document: Callable[[Any], dict[str, Any] | None]
    all_ids: Callable[[], Iterable[Any]] | None = None
    permission: str | None = None  # who may see this kind in search_for_user
    label: str = ""
    url_name: str = ""  # a URL name taking the object id, for result links


_INDEXERS: dict[str, Indexer] = {}


def register_indexer(
    kind: str,
    document: Callable[[Any], dict[str, Any] | None],
    *,
    all_ids: Callable[[], Iterable[Any]] | None = None,
    permission: str | None = None,
    label: str = "",
    url_name: str = "",
) -> None:
    """Register how to turn one object of `kind` into a search document (see module docstring)."""
    _INDEXERS[kind] = Indexer(kind, document, all_ids, permission, label or kind, url_name)


def indexers() -> dict[str, Indexer]:
    return dict(_INDEXERS)


def index_document(
    kind: str,
    object_id: Any,
    title: str,
    body: str,
    language: str = DEFAULT_LANGUAGE,
    customer_id: int | None = None,
    team_id: int | None = None,
) -> SearchDocument:
    """Insert or replace the document for (kind, object_id); the full-text index follows."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    title = (title or "")[:300]
    doc, _created = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=str(object_id),
        defaults={
            "title": title,
            "body": body or "",
            "language": language,
            "customer_id": customer_id,
            "team_id": team_id,
            "stemmed_title": stem_text(title, language),
            "stemmed_body": stem_text(body or "", language),
            "updated_at": timezone.now(),
        },
    )
    return doc


def remove_document(kind: str, object_id: Any) -> int:
    return SearchDocument.objects.filter(kind=kind, object_id=str(object_id)).delete()[0]


def refresh(kind: str, object_id: Any) -> bool:
    """Re-read one object through its indexer: index it, or remove it when the indexer says None.

    Returns whether a document now exists. Idempotent, so outbox retries are harmless.
    """
    indexer = _INDEXERS[kind]
    fields = indexer.document(object_id)
    if fields is None:
        remove_document(kind, object_id)
        return False
    index_document(kind, object_id, **fields)
    return True


def _refresh_batch(kind: str, object_ids: list[Any]) -> int:
    with transaction.atomic():
        return sum(refresh(kind, object_id) for object_id in object_ids)


def reindex(kind: str | None = None, *, batch: int = 500) -> dict[str, int]:
    """Rebuild the documents of one kind (or all): every id re-read, stale documents removed.

    Mark and sweep: every refreshed document gets a new updated_at, so whatever is older than
    the start of the run belongs to an object that no longer exists.
    """
    counts: dict[str, int] = {}
    for name, indexer in sorted(_INDEXERS.items()):
        if (kind is not None and name != kind) or indexer.all_ids is None:
            continue
        started = timezone.now()
        count = 0
        pending: list[Any] = []
        for object_id in indexer.all_ids():
            pending.append(object_id)
            if len(pending) >= batch:
                count += _refresh_batch(name, pending)
                pending = []
        count += _refresh_batch(name, pending)
        SearchDocument.objects.filter(kind=name, updated_at__lt=started).delete()
        counts[name] = count
    return counts


def search(
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    customer_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Ranked, highlighted hits for `query`.

    Filters: `kinds` (None: all), `customer_id` (only that customer's documents: the portal),
    `team_ids` (None: no restriction; else documents of those teams or of no team).
    """
    parsed = terms(query or "")
    limit = max(1, min(int(limit), MAX_LIMIT))
    kind_list = sorted(set(kinds)) if kinds is not None else None
    team_list = sorted({int(t) for t in team_ids}) if team_ids is not None else None
    ranked = backends.ranked_ids(
        parsed, kinds=kind_list, customer_id=customer_id, team_ids=team_list, limit=limit
    )
    if not ranked:
        return []
    rows = SearchDocument.objects.in_bulk([pk for pk, _rank in ranked])
    matches = matcher(parsed)
    hits = []
    for pk, rank in ranked:
        doc = rows.get(pk)
        if doc is None:  # removed between the two queries
            continue
        body = doc.body if doc.body.strip() else doc.title
        hits.append(
            Hit(
                kind=doc.kind,
                object_id=doc.object_id,
                title=doc.title,
                snippet=highlight(body, matches, window=SNIPPET_CHARS),
                rank=rank,
                title_html=highlight(doc.title, matches),
                customer_id=doc.customer_id,
                team_id=doc.team_id,
            )
        )
    return hits


def object_ids(query: str, *, kind: str, limit: int = MAX_OBJECT_IDS) -> list[str]:
    """The object ids of `kind` matching `query`, best first, at most `limit` (<= 500); no highlighting.

    For narrowing a model queryset (`pk__in`) with the folded, stemmed matching of the index.
    """
    parsed = terms(query or "")
    limit = max(1, min(int(limit), MAX_OBJECT_IDS))
    ranked = backends.ranked_ids(parsed, kinds=[kind], customer_id=None, team_ids=None, limit=limit)
    if not ranked:
        return []
    by_pk = dict(
        SearchDocument.objects.filter(pk__in=[pk for pk, _rank in ranked]).values_list("pk", "object_id")
    )
    return [by_pk[pk] for pk, _rank in ranked if pk in by_pk]


def visible_team_ids(user) -> list[int] | None:
    """None (every team) for people who manage teams; otherwise the user's own teams."""
    from postventa.core.permissions import can

    if can(user, "teams.manage"):
        return None
    teams = getattr(user, "teams", None)
    return list(teams.values_list("id", flat=True)) if teams is not None else []


def search_for_user(user, query: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[Hit]:
    """`search` limited to the kinds the user may see (indexer permission) and their teams."""
    from postventa.core.permissions import can

    allowed = [k for k, ix in _INDEXERS.items() if ix.permission is None or can(user, ix.permission)]
    if kinds is not None:
        allowed = [k for k in allowed if k in set(kinds)]
    return search(query, kinds=allowed, team_ids=visible_team_ids(user), limit=limit)
