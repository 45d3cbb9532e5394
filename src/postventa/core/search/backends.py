"""The two full-text backends: SQLite FTS5 (bm25) and PostgreSQL tsvector (ts_rank_cd).

Both see the same stemmed text and the same parsed terms; each only translates the terms into
its own query syntax. Stems are [^\\W_]+ words, so quoting them needs no escaping.

Ranking is bounded: the newest RANK_WINDOW matching documents (ids grow with time) that pass
the filters are ranked, never every match. A common word over millions of messages therefore
costs the same as a rare one: the database walks matches newest first and stops at the window
(FTS5 reads its doclists in descending rowid order; PostgreSQL either walks the primary key
backwards checking the stored tsvector or intersects the GIN index, whichever its statistics
say is cheaper). No COUNT(*) is ever taken.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.db import connection

from postventa.core.search.text import Term

# Title matches weigh more than body matches (bm25 column weights; PostgreSQL: A vs B).
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
# How many of the newest matches are ranked; pagination stops there.
RANK_WINDOW = 1000


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which documents of one kind a user may see.

    `team_ids` None: every team; otherwise documents of those teams, of no team, or assigned
    to `assignee_id`. `staff_only`: whether staff-only documents (internal notes) are visible.
    """

    team_ids: tuple[int, ...] | None = None
    assignee_id: int | None = None
    staff_only: bool = True


@dataclasses.dataclass(frozen=True)
class Filters:
    """Facet filters; a document without the facet (a customer has no status) does not pass."""

    statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive

    def __bool__(self) -> bool:
        return bool(
            self.statuses
            or self.channels
            or self.team_id is not None
            or self.assignee_id is not None
            or self.unassigned
            or self.since is not None
            or self.until is not None
        )


def _fts5_query(terms: Sequence[Term]) -> str:
    groups = []
    for term in terms:
        options = ['"' + " ".join(alt) + '"' for alt in sorted(term.alternatives)]
        if term.prefix:
            options.append(f'"{term.prefix}"*')
        groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups)


def _tsquery(terms: Sequence[Term]) -> str:
    groups = []
    for term in terms:
        options = [" <-> ".join(f"'{s}'" for s in alt) for alt in sorted(term.alternatives)]
        if term.prefix:
            options.append(f"'{term.prefix}':*")
        groups.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(groups)


def _in(column: str, values: Sequence, params: list) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _scope_sql(scope: Scope, params: list) -> str:
    parts = []
    if scope.team_ids is not None:
        visible = ["d.team_id IS NULL"]
        if scope.team_ids:
            visible.append(_in("d.team_id", scope.team_ids, params))
        if scope.assignee_id is not None:
            visible.append("d.assignee_id = %s")
            params.append(scope.assignee_id)
        parts.append("(" + " OR ".join(visible) + ")")
    if not scope.staff_only:
        parts.append("(d.staff_only IS NULL OR d.staff_only = %s)")
        params.append(False)
    return " AND ".join(parts)


def filter_sql(
    *,
    kinds: Sequence[str] | None,
    scopes: dict[str, Scope] | None = None,
    scope: Scope | None = None,
    customer_id: int | None = None,
    filters: Filters | None = None,
    params: list,
) -> str:
    """The WHERE conditions (each prefixed with AND) on the document alias `d`.

    `scopes`: per kind (a kind missing from it is not searched); `scope`: one for every kind.
    """
    sql = []
    if scopes is not None:
        per_kind = []
        for kind in sorted(scopes):
            if kinds is not None and kind not in kinds:
                continue
            params.append(kind)
            extra = _scope_sql(scopes[kind], params)
            per_kind.append(f"(d.kind = %s AND {extra})" if extra else "d.kind = %s")
        sql.append("(" + (" OR ".join(per_kind) or "1 = 0") + ")")
    elif kinds is not None:
        sql.append(_in("d.kind", kinds, params))
    if scope is not None:
        extra = _scope_sql(scope, params)
        if extra:
            sql.append(extra)
    if customer_id is not None:
        sql.append("d.customer_id = %s")
        params.append(customer_id)
    if filters:
        if filters.statuses:
            sql.append(_in("d.status", filters.statuses, params))
        if filters.channels:
            sql.append(_in("d.channel", filters.channels, params))
        if filters.team_id is not None:
            sql.append("d.team_id = %s")
            params.append(filters.team_id)
        if filters.assignee_id is not None:
            sql.append("d.assignee_id = %s")
            params.append(filters.assignee_id)
        elif filters.unassigned:
            sql.append("d.assignee_id IS NULL AND d.status IS NOT NULL")
        # adapted as the ORM stores them (SQLite compares datetimes as text)
        if filters.since is not None:
            sql.append("d.occurred_at >= %s")
            params.append(connection.ops.adapt_datetimefield_value(filters.since))
        if filters.until is not None:
            sql.append("d.occurred_at < %s")
            params.append(connection.ops.adapt_datetimefield_value(filters.until))
    return "".join(f" AND {s}" for s in sql)


def ranked_ids(
    terms: Sequence[Term],
    *,
    kinds: Sequence[str] | None,
    customer_id: int | None = None,
    scope: Scope | None = None,
    scopes: dict[str, Scope] | None = None,
    filters: Filters | None = None,
    limit: int,
    offset: int = 0,
    window: int = RANK_WINDOW,
) -> list[tuple[int, float]]:
    """[(SearchDocument id, rank)] best first; a higher rank is a better match on both databases."""
    if not terms or (kinds is not None and not kinds) or (scopes is not None and not scopes):
        return []
    if offset >= window:
        return []
    params: list = []
    vendor = connection.vendor
    if vendor == "postgresql":
        query = _tsquery(terms)
    elif vendor == "sqlite":
        query = _fts5_query(terms)
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {vendor}")
    where = filter_sql(
        kinds=kinds, scopes=scopes, scope=scope, customer_id=customer_id, filters=filters, params=params
    )
    # Only placeholders and constants are interpolated into the SQL; every value goes in params.
    if vendor == "postgresql":
        sql = (
            "SELECT c.id, ts_rank_cd(c.search_vector, to_tsquery('simple', %s)) AS rank FROM ("  # noqa: S608
            "SELECT d.id, d.search_vector FROM core_searchdocument d"
            f" WHERE d.search_vector @@ to_tsquery('simple', %s){where}"
            " ORDER BY d.id DESC LIMIT %s) c"
            " ORDER BY rank DESC, c.id DESC LIMIT %s OFFSET %s"
        )
        params = [query, query, *params]
    elif customer_id is not None:
        # One customer's documents are few: walk them through the customer_id index and probe
        # the FTS5 index per row (CROSS JOIN fixes the order), instead of every match newest first.
        sql = (
            "SELECT id, rank FROM ("  # noqa: S608
            "SELECT d.id AS id,"
            f" -bm25(core_searchdocument_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank"
            " FROM core_searchdocument d CROSS JOIN core_searchdocument_fts"
            " ON core_searchdocument_fts.rowid = d.id"
            f" WHERE core_searchdocument_fts MATCH %s{where}"
            " ORDER BY d.id DESC LIMIT %s)"
            " ORDER BY rank DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = [query, *params]
    else:
        join = " JOIN core_searchdocument d ON d.id = core_searchdocument_fts.rowid" if where else ""
        sql = (
            "SELECT id, rank FROM ("  # noqa: S608
            "SELECT core_searchdocument_fts.rowid AS id,"
            f" -bm25(core_searchdocument_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank"
            f" FROM core_searchdocument_fts{join}"
            f" WHERE core_searchdocument_fts MATCH %s{where}"
            " ORDER BY core_searchdocument_fts.rowid DESC LIMIT %s)"
            " ORDER BY rank DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = [query, *params]
    params.extend([window, limit, offset])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
