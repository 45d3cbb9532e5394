"""The two full-text backends: SQLite FTS5 (bm25) and PostgreSQL tsvector (ts_rank_cd).

Both see the same stemmed text and the same parsed terms; each only translates the terms into
its own query syntax. Stems are [^\\W_]+ words, so quoting them needs no escaping.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from postventa.core.search.text import Term

# Title matches weigh more than body matches (bm25 column weights; PostgreSQL: A vs B).
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0


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


def _filters(kinds, customer_id, team_ids, params: list, alias: str) -> str:
    sql = []
    if kinds is not None:
        sql.append(f"{alias}.kind IN ({', '.join(['%s'] * len(kinds))})")
        params.extend(kinds)
    if customer_id is not None:
        sql.append(f"{alias}.customer_id = %s")
        params.append(customer_id)
    if team_ids is not None:
        if team_ids:
            sql.append(
                f"({alias}.team_id IS NULL OR {alias}.team_id IN ({', '.join(['%s'] * len(team_ids))}))"
            )
            params.extend(team_ids)
        else:
            sql.append(f"{alias}.team_id IS NULL")
    return "".join(f" AND {s}" for s in sql)


def ranked_ids(terms: Sequence[Term], *, kinds, customer_id, team_ids, limit: int) -> list[tuple[int, float]]:
    """[(SearchDocument id, rank)] best first; a higher rank is a better match on both databases."""
    if not terms or (kinds is not None and not kinds):
        return []
    params: list = []
    if connection.vendor == "postgresql":
        params.append(_tsquery(terms))
        where = _filters(kinds, customer_id, team_ids, params, "d")
        sql = (
            # Only placeholders and constants are interpolated; every value goes in params.
            "SELECT d.id, ts_rank_cd(d.search_vector, q) AS rank"  # noqa: S608
            " FROM core_searchdocument d, to_tsquery('simple', %s) q"
            f" WHERE d.search_vector @@ q{where}"
            " ORDER BY rank DESC, d.updated_at DESC LIMIT %s"
        )
    elif connection.vendor == "sqlite":
        params.append(_fts5_query(terms))
        where = _filters(kinds, customer_id, team_ids, params, "d")
        sql = (
            f"SELECT d.id, -bm25(core_searchdocument_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank"  # noqa: S608
            " FROM core_searchdocument_fts JOIN core_searchdocument d ON d.id = core_searchdocument_fts.rowid"
            f" WHERE core_searchdocument_fts MATCH %s{where}"
            " ORDER BY rank DESC, d.updated_at DESC LIMIT %s"
        )
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {connection.vendor}")
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
