"""Full-text search: one interface, SQLite FTS5 or PostgreSQL full-text underneath.

Apps feed it from their AppConfig.ready():

    register_indexer("customer", customer_document, all_ids=..., permission="customers.view",
                     label=_("Customers"), url_name="console:customer_detail")

`customer_document(object_id)` returns the fields of `index_document` (title, body, language,
customer_id, team_id and the optional facets: status, channel, assignee_id, occurred_at,
staff_only, parent_id, title_indexed) or None when the object must not be searchable (deleted,
erased), and an outbox receiver calls `refresh(kind, object_id)` when the object changes.
Optional hooks: `documents(ids)` (a batch version of `document`, for fast rebuilds), `scope(user)`
(which documents of the kind this user may see; default: the user's teams), `link(hit)` (the URL
of a result when `url_name` with the object id is not it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString

from postventa.core.models import SearchDocument
from postventa.core.search import backends
from postventa.core.search.backends import RANK_WINDOW, Filters, Scope
from postventa.core.search.highlight import SNIPPET_CHARS, highlight
from postventa.core.search.text import DEFAULT_LANGUAGE, LANGUAGES, matcher, stem_text, terms

__all__ = [
    "RANK_WINDOW",
    "Filters",
    "Hit",
    "Scope",
    "Indexer",
    "index_document",
    "indexers",
    "object_ids",
    "refresh",
    "register_indexer",
    "reindex",
    "remove_document",
    "search",
    "search_for_customer",
    "search_for_user",
]

MAX_LIMIT = 100
MAX_OBJECT_IDS = 500
FACETS = ("status", "channel", "assignee_id", "occurred_at", "staff_only", "parent_id")


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
    status: str | None = None
    channel: str | None = None
    assignee_id: int | None = None
    occurred_at: dt.datetime | None = None
    staff_only: bool = False
    parent_id: str | None = None


@dataclasses.dataclass(frozen=True)
class Indexer:
    kind: str
    document: Callable[[Any], dict[str, Any] | None]
    all_ids: Callable[[], Iterable[Any]] | None = None
    permission: str | None = None  # who may see this kind in search_for_user
    label: str = ""
    url_name: str = ""  # a URL name taking the object id, for result links
    documents: Callable[[list[Any]], dict[Any, dict[str, Any] | None]] | None = None
    scope: Callable[[Any], Scope | None] | None = None
    link: Callable[[Hit], str] | None = None
    portal: bool = False  # customers find their own documents of this kind (search_for_customer)


_INDEXERS: dict[str, Indexer] = {}


def register_indexer(
    kind: str,
    document: Callable[[Any], dict[str, Any] | None],
    *,
    all_ids: Callable[[], Iterable[Any]] | None = None,
    permission: str | None = None,
    label: str = "",
    url_name: str = "",
    documents: Callable[[list[Any]], dict[Any, dict[str, Any] | None]] | None = None,
    scope: Callable[[Any], Scope | None] | None = None,
    link: Callable[[Hit], str] | None = None,
    portal: bool = False,
) -> None:
    """Register how to turn one object of `kind` into a search document (see module docstring)."""
    _INDEXERS[kind] = Indexer(
        kind, document, all_ids, permission, label or kind, url_name, documents, scope, link, portal
    )


def indexers() -> dict[str, Indexer]:
    return dict(_INDEXERS)


def _row_values(
    title: str,
    body: str,
    language: str = DEFAULT_LANGUAGE,
    customer_id: int | None = None,
    team_id: int | None = None,
    *,
    title_indexed: bool = True,
    now: dt.datetime | None = None,
    **facets: Any,
) -> dict[str, Any]:
    unknown = set(facets) - set(FACETS)
    if unknown:
        raise TypeError(f"unknown search document fields: {', '.join(sorted(unknown))}")
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    title = (title or "")[:300]
    values = {
        "title": title,
        "body": body or "",
        "language": language,
        "customer_id": customer_id,
        "team_id": team_id,
        "stemmed_title": stem_text(title, language) if title_indexed else "",
        "stemmed_body": stem_text(body or "", language),
        "updated_at": now or timezone.now(),
        **{name: None for name in FACETS},
        **facets,
    }
    if values["parent_id"] is not None:
        values["parent_id"] = str(values["parent_id"])
    values["staff_only"] = bool(values["staff_only"]) or None
    return values


def index_document(
    kind: str,
    object_id: Any,
    title: str,
    body: str,
    language: str = DEFAULT_LANGUAGE,
    customer_id: int | None = None,
    team_id: int | None = None,
    **facets: Any,
) -> SearchDocument:
    """Insert or replace the document for (kind, object_id); the full-text index follows.

    `facets`: status, channel, assignee_id, occurred_at, staff_only, parent_id, and
    title_indexed=False for a title shown but not searched (a message shows its ticket's subject).
    """
    values = _row_values(title, body, language, customer_id, team_id, **facets)
    doc, _created = SearchDocument.objects.update_or_create(
        kind=kind, object_id=str(object_id), defaults=values
    )
    return doc


def index_documents(kind: str, documents: dict[Any, dict[str, Any] | None]) -> int:
    """Bulk `index_document` for many objects of one kind (None: remove); returns documents written.

    One SELECT, one bulk UPDATE and one bulk INSERT per call: what rebuilds use, in chunks.
    """
    if not documents:
        return 0
    now = timezone.now()
    keys = {str(k): v for k, v in documents.items()}
    existing = dict(
        SearchDocument.objects.filter(kind=kind, object_id__in=list(keys)).values_list("object_id", "pk")
    )
    gone = [k for k, v in keys.items() if v is None and k in existing]
    if gone:
        SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
    updates, creates = [], []
    for key, fields in keys.items():
        if fields is None:
            continue
        values = _row_values(**fields, now=now)
        if key in existing:
            updates.append(SearchDocument(pk=existing[key], kind=kind, object_id=key, **values))
        else:
            creates.append(SearchDocument(kind=kind, object_id=key, **values))
    if updates:
        names = list(_row_values("", ""))
        SearchDocument.objects.bulk_update(updates, names, batch_size=500)
    if creates:
        SearchDocument.objects.bulk_create(creates, batch_size=1000)
    return len(updates) + len(creates)


def update_facets(kind: str, *, parent_id: Any, **facets: Any) -> int:
    """Copy facets to every document of `kind` under `parent_id` (a ticket's status to its messages).

    The full-text index is not touched (the stemmed text does not change).
    """
    unknown = set(facets) - {"status", "team_id", "assignee_id", "customer_id", "title"}
    if unknown:
        raise TypeError(f"unknown facets: {', '.join(sorted(unknown))}")
    return SearchDocument.objects.filter(kind=kind, parent_id=str(parent_id)).update(**facets)


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


def _refresh_batch(indexer: Indexer, object_ids: list[Any]) -> int:
    if not object_ids:
        return 0
    with transaction.atomic():
        if indexer.documents is not None:
            found = indexer.documents(object_ids)
            return index_documents(indexer.kind, {k: found.get(k) for k in object_ids})
        return sum(refresh(indexer.kind, object_id) for object_id in object_ids)


def reindex(
    kind: str | None = None, *, batch: int = 500, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Rebuild the documents of one kind (or all): every id re-read, stale documents removed.

    Chunks of `batch` ids, one transaction each; kinds with a `documents` hook load and write a
    whole chunk in a handful of queries. Mark and sweep: every refreshed document gets a new
    updated_at, so whatever is older than the start of the run belongs to an object that no
    longer exists (or is no longer searchable).
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
                count += _refresh_batch(indexer, pending)
                pending = []
                if progress is not None:
                    progress(name, count)
        count += _refresh_batch(indexer, pending)
        SearchDocument.objects.filter(kind=name, updated_at__lt=started).delete()
        counts[name] = count
    return counts


def _hits(ranked: list[tuple[int, float]], parsed) -> list[Hit]:
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
                status=doc.status,
                channel=doc.channel,
                assignee_id=doc.assignee_id,
                occurred_at=doc.occurred_at,
                staff_only=bool(doc.staff_only),
                parent_id=doc.parent_id,
            )
        )
    return hits


def _bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(int(limit), MAX_LIMIT + 1)), max(0, min(int(offset), RANK_WINDOW))


def search(
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    customer_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    filters: Filters | None = None,
    staff_only: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Ranked, highlighted hits for `query`.

    Filters: `kinds` (None: all), `customer_id` (only that customer's documents: the portal),
    `team_ids` (None: no restriction; else documents of those teams or of no team),
    `staff_only` (False: hide staff-only documents such as internal notes), `filters` (facets).
    Pagination is bounded: `offset` + `limit` within the RANK_WINDOW newest matches.
    """
    parsed = terms(query or "")
    limit, offset = _bounds(limit, offset)
    kind_list = sorted(set(kinds)) if kinds is not None else None
    scope = None
    if team_ids is not None or not staff_only:
        teams = tuple(sorted({int(t) for t in team_ids})) if team_ids is not None else None
        scope = Scope(team_ids=teams, staff_only=staff_only)
    ranked = backends.ranked_ids(
        parsed,
        kinds=kind_list,
        customer_id=customer_id,
        scope=scope,
        filters=filters,
        limit=limit,
        offset=offset,
    )
    return _hits(ranked, parsed)


def object_ids(query: str, *, kind: str, limit: int = MAX_OBJECT_IDS) -> list[str]:
    """The object ids of `kind` matching `query`, best first, at most `limit` (<= 500); no highlighting.

    For narrowing a model queryset (`pk__in`) with the folded, stemmed matching of the index.
    """
    parsed = terms(query or "")
    limit = max(1, min(int(limit), MAX_OBJECT_IDS))
    ranked = backends.ranked_ids(parsed, kinds=[kind], limit=limit)
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


def default_scope(user) -> Scope:
    """The user's teams (every team for team managers); staff users see staff-only documents."""
    teams = visible_team_ids(user)
    return Scope(team_ids=tuple(teams) if teams is not None else None, staff_only=True)


def scopes_for_user(user, kinds: Iterable[str] | None = None) -> dict[str, Scope]:
    """kind -> what `user` may see of it; kinds the user may not see at all are left out."""
    from postventa.core.permissions import can

    wanted = set(kinds) if kinds is not None else None
    scopes: dict[str, Scope] = {}
    computed: dict[Callable, Scope | None] = {}
    for name, indexer in _INDEXERS.items():
        if wanted is not None and name not in wanted:
            continue
        if indexer.permission is not None and not can(user, indexer.permission):
            continue
        hook = indexer.scope or default_scope
        if hook not in computed:  # kinds sharing a rule (tickets and messages) ask it once
            computed[hook] = hook(user)
        scope = computed[hook]
        if scope is not None:
            scopes[name] = scope
    return scopes


def search_for_user(
    user,
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
    scopes: dict[str, Scope] | None = None,
) -> list[Hit]:
    """`search` limited to what the user may see: per kind, its permission and its scope.

    `scopes`: the result of `scopes_for_user(user)` when the caller already has it.
    """
    parsed = terms(query or "")
    limit, offset = _bounds(limit, offset)
    scopes = scopes_for_user(user, kinds) if scopes is None else scopes
    if kinds is not None:
        scopes = {k: v for k, v in scopes.items() if k in set(kinds)}
    if not scopes:
        return []
    ranked = backends.ranked_ids(
        parsed, kinds=None, scopes=scopes, filters=filters, limit=limit, offset=offset
    )
    return _hits(ranked, parsed)


def search_for_customer(customer_id: int, query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """A customer's own documents of the kinds open to the portal; never staff-only ones."""
    kinds = [k for k, ix in _INDEXERS.items() if ix.portal]
    if not kinds:
        return []
    return search(
        query, kinds=kinds, customer_id=int(customer_id), staff_only=False, limit=limit, offset=offset
    )


def hit_link(hit: Hit) -> str:
    """The console URL of a hit ("" when its kind has no page)."""
    from django.urls import NoReverseMatch, reverse

    indexer = _INDEXERS.get(hit.kind)
    if indexer is None:
        return ""
    if indexer.link is not None:
        return indexer.link(hit)
    if not indexer.url_name:
        return ""
    try:
        return reverse(indexer.url_name, args=[hit.object_id])
    except NoReverseMatch:
        return ""
