"""Search latency: p50/p95/p99 of core.search over a helpdesk-sized index (default 5M messages).

    .venv/bin/python bench/search_latency.py --messages 5000000 --queries 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search .venv/bin/python bench/search_latency.py

Uses its own SQLite file (var/bench/search.sqlite3) unless DATABASE_URL is set. Documents are
written straight into core_searchdocument (what the helpdesk indexer writes: kind "message" with
its ticket's facets, kind "ticket", kind "customer"), stemmed by core.search.text exactly as the
indexer does, and rebuilt only when --messages changes.

Text: Spanish after-sales sentences (templates + Faker es_ES) and English customer-support
utterances and replies from Bitext (CDLA-Sharing-1.0, read from ../shared/data at run time,
never copied into the repo); 70 % Spanish, 10 % internal notes. Queries mix common words
("pedido", "order"), rare ones (a person's name, a phone number), accent-less forms, plurals,
synonyms and a prefix still being typed.

Times the whole call as the console sees it: query parsing, the ranked full-text query over the
newest RANK_WINDOW matches, loading the rows and highlighting.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, ROOT, Timer, load_note, migrate_quietly, setup_django, summary_ms, table  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
NAMES = [
    "Ana",
    "Luis",
    "María",
    "José",
    "Carmen",
    "Javier",
    "Lucía",
    "Pablo",
    "Elena",
    "Jorge",
    "Sofía",
    "Diego",
    "Marta",
    "Raúl",
    "Nuria",
    "Iván",
]
SURNAMES = [
    "García",
    "Gómez",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Fernández",
    "Ruiz",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Ibáñez",
]
PRODUCTS = [
    "lavadora",
    "frigorífico",
    "horno",
    "microondas",
    "televisor",
    "portátil",
    "aspiradora",
    "cafetera",
    "secadora",
    "móvil",
]
PROBLEMS = [
    "no enciende desde ayer",
    "llegó roto y quiero la devolución",
    "hace un ruido extraño al centrifugar",
    "pido el reembolso del cargo duplicado",
    "la garantía dice que cubre la pantalla",
    "el envío lleva una semana de retraso",
    "necesito la factura para la empresa",
    "la puerta no cierra bien",
    "quiero cambiarlo por otro modelo",
    "el técnico no vino a la cita",
    "el pedido llegó incompleto",
    "me cobraron dos veces el pedido",
]
OPENERS = [
    "Buenos días, les escribo por mi pedido.",
    "Hola, ya llamé la semana pasada y me dijeron que me contestarían por correo.",
    "Quedo a la espera de su respuesta, un saludo.",
    "Gracias por la rapidez.",
    "Adjunto foto del número de serie.",
    "Le confirmamos que hemos recibido su solicitud y la estamos revisando.",
    "Hemos programado la recogida para el próximo martes.",
]
QUERIES = [
    "pedido",  # very common
    "order",  # very common (English)
    "devolucion",  # synonyms + no accent
    "devoluciones lavadora",
    "reembolso",
    "garantia pantalla",
    "envio retraso",
    "factura empresa",
    "tecnico cita",
    "frigorifico roto",
    "no enciende",
    "refund order",
    "cancel subscription",
    "shipping address",
    "ibañez",  # rare surname
    "Iván Ibáñez",
    "cafet",  # prefix being typed
    "serie",
    "624 512",  # phone digits
    "constitucion",  # rare (Faker text)
]


def _sentences(rng: random.Random) -> tuple[list[str], list[str]]:
    """(Spanish, English) sentence pools."""
    es = [f"Mi {p} {problem}." for p in PRODUCTS for problem in PROBLEMS] + OPENERS
    try:
        from faker import Faker

        fake = Faker("es_ES")
        fake.seed_instance(rng.randint(0, 10**6))
        es += [fake.sentence(nb_words=rng.randint(6, 14)) for _ in range(4000)]
    except ImportError:  # pragma: no cover - Faker is a dev dependency
        pass
    en: list[str] = []
    for path, column in [
        (DATA / "bitext-customer-support-20k" / "bitext_20k_utterances.csv", "utterance"),
        (DATA / "bitext-customer-support-llm-responses" / "bitext_llm_4514_with_responses.csv", "response"),
    ]:
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                text = re.sub(r"\{\{[^}]*\}\}", "", row[column])
                en += [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if 20 <= len(s.strip()) <= 240]
    if not en:
        en = [
            "I would like a refund for my order.",
            "Where is my package?",
            "How do I cancel my subscription?",
        ]
    return es, en


POOL = 20000  # sentences per language; a message joins three of them (20000^3 combinations)
NAME_POOL = 5000


def _pools(seed: int) -> list[tuple[str, int, str, str]]:
    """(language, k, text, stemmed) rows: POOL sentences per language and NAME_POOL names."""
    from postventa.core.search.text import stem_text

    rng = random.Random(seed)
    es, en = _sentences(rng)
    domain = [f"Mi {p} {problem}." for p in PRODUCTS for problem in PROBLEMS] + OPENERS
    # a third of the Spanish sentences are after-sales ones, the rest Faker's Spanish prose
    es_pool = [rng.choice(domain) if rng.random() < 0.33 else rng.choice(es) for _ in range(POOL)]
    en_pool = [rng.choice(en) for _ in range(POOL)]
    rows = [("es", k, t, stem_text(t, "es")) for k, t in enumerate(es_pool)]
    rows += [("en", k, t, stem_text(t, "en")) for k, t in enumerate(en_pool)]
    for k in range(NAME_POOL):
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} 6{rng.randint(10, 99)} {rng.randint(100, 999)}"
        rows.append(("name", k, name, stem_text(name, "es")))
    return rows


def _facets(t: str, pg: bool) -> dict[str, str]:
    """SQL expressions of a ticket's facets from its number `t` (deterministic hashes)."""
    return {
        "customer": f"(({t} * 31) % {{nc}}) + 1",
        "team": f"NULLIF(({t} * 2654435761) % 7, 0)",
        "status": f"CASE WHEN ({t} * 2246822519) % 100 < 2 THEN 'new' WHEN ({t} * 2246822519) % 100 < 10"
        f" THEN 'open' WHEN ({t} * 2246822519) % 100 < 15 THEN 'pending' WHEN ({t} * 2246822519) % 100 < 16"
        f" THEN 'on_hold' WHEN ({t} * 2246822519) % 100 < 46 THEN 'solved' ELSE 'closed' END",
        "channel": f"CASE ({t} * 3266489917) % 5 WHEN 0 THEN 'email' WHEN 1 THEN 'web_chat' WHEN 2"
        f" THEN 'whatsapp' WHEN 3 THEN 'web_form' ELSE 'phone' END",
        "assignee": f"NULLIF(({t} * 668265263) % 40, 0)",
        "lang": f"CASE WHEN ({t} * 40503) % 10 < 7 THEN 'es' ELSE 'en' END",
        "at": (
            f"timestamptz '2023-01-01 00:00:00+00' + ({t} * {{span}} / {{nt}}) * interval '1 second'"
            if pg
            else f"datetime('2023-01-01', '+' || ({t} * {{span}} / {{nt}}) || ' seconds')"
        ),
    }


def _insert_sql(n_messages: int, pg: bool) -> list[str]:
    """INSERT ... SELECT statements that build tickets, customers and messages inside the database."""
    nt = max(1, n_messages // 8)
    sizes = {"nt": nt, "nc": max(1, nt // 3), "span": 3 * 365 * 86400}
    f = {k: v.format(**sizes) for k, v in _facets("s.t", pg).items()}
    true = "true" if pg else "1"
    text = "::text" if pg else ""

    def seq(n: int) -> str:
        if pg:
            return f"(SELECT g::bigint AS i FROM generate_series(1, {n}) g)"
        return (
            f"(WITH RECURSIVE q(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM q WHERE i < {n}) SELECT i FROM q)"
        )

    def cast(expr: str) -> str:
        return f"({expr}){text}" if pg else f"CAST({expr} AS TEXT)"

    now = "now()" if pg else "datetime('now')"
    head = f"INSERT INTO core_searchdocument ({COLUMNS}) "
    tickets = (
        head + f"SELECT 'ticket', {cast('s.t')}, {f['customer']}, {f['team']},"
        f" substr('#' || s.t || ' ' || a.t, 1, 300), n.t, s.lang, s.t || ' ' || a.s, n.s, {now},"
        f" {f['status']}, {f['channel']}, {f['assignee']}, {f['at']}, NULL, NULL"
        f" FROM (SELECT i AS t, {_facets('i', pg)['lang']} AS lang FROM {seq(nt)} z) s"
        f" JOIN bench_pool a ON a.lang = s.lang AND a.k = (s.t * 7919) % {POOL}"
        f" JOIN bench_pool n ON n.lang = 'name' AND n.k = (s.t * 104729) % {NAME_POOL}"
    )
    customers = (
        head + f"SELECT 'customer', {cast('s.i')}, s.i, NULL, n.t, '', 'es', n.s, '', {now},"
        " NULL, NULL, NULL, NULL, NULL, NULL"
        f" FROM {seq(sizes['nc'])} s JOIN bench_pool n ON n.lang = 'name' AND n.k = (s.i * 7919) % {NAME_POOL}"
    )
    messages = (
        head + f"SELECT 'message', {cast('s.i')}, {f['customer']}, {f['team']}, '#' || s.t,"
        " a.t || ' ' || b.t || ' ' || c.t || CASE WHEN s.i % 20 = 0 THEN ' ' || n.t ELSE '' END,"
        " s.lang, '', a.s || ' ' || b.s || ' ' || c.s || CASE WHEN s.i % 20 = 0 THEN ' ' || n.s ELSE '' END,"
        f" {now}, {f['status']}, {f['channel']}, {f['assignee']}, {f['at']},"
        f" CASE WHEN s.i % 10 = 3 THEN {true} END, {cast('s.t')}"
        f" FROM (SELECT i, t, {_facets('t', pg)['lang']} AS lang FROM"
        f" (SELECT i, (i - 1) / 8 + 1 AS t FROM {seq(n_messages)} z) y) s"
        f" JOIN bench_pool a ON a.lang = s.lang AND a.k = (s.i * 7919) % {POOL}"
        f" JOIN bench_pool b ON b.lang = s.lang AND b.k = (s.i * 104729 + 17) % {POOL}"
        f" JOIN bench_pool c ON c.lang = s.lang AND c.k = (s.i * 1299709 + 29) % {POOL}"
        f" JOIN bench_pool n ON n.lang = 'name' AND n.k = (s.i * 15485863) % {NAME_POOL}"
    )
    return [tickets, customers, messages]


COLUMNS = (
    "kind, object_id, customer_id, team_id, title, body, language, stemmed_title, stemmed_body, updated_at,"
    " status, channel, assignee_id, occurred_at, staff_only, parent_id"
)


def load(n_messages: int, seed: int = 7) -> float:
    """(Re)build the bench documents inside the database; returns seconds spent (0 when already there).

    Python stems a pool of sentences once; INSERT ... SELECT then assembles millions of documents
    from it in SQL (C speed on a shared 2-core machine), with facets hashed from the ticket number.
    """
    from django.db import connection

    from postventa.core.models import SearchDocument

    marker = f"bench:{n_messages}"
    if SearchDocument.objects.filter(kind="bench_marker", object_id=marker).exists():
        return 0.0
    start = time.perf_counter()
    pool = _pools(seed)
    pg = connection.vendor == "postgresql"
    statements = _insert_sql(n_messages, pg)

    def step(label: str) -> None:
        print(f"  {label}: {time.perf_counter() - start:.0f} s", flush=True)

    if not pg:
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-400000")
        raw.execute("DELETE FROM core_searchdocument")
        raw.execute("INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('delete-all')")
        # Bulk path: rows first, then one FTS5 'rebuild' (4x faster than the per-row trigger).
        trigger = raw.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'core_searchdocument_ai'"
        ).fetchone()[0]
        raw.execute("DROP TRIGGER core_searchdocument_ai")
        raw.execute(
            "CREATE TEMP TABLE bench_pool (lang TEXT, k INTEGER, t TEXT, s TEXT, PRIMARY KEY (lang, k))"
        )
        raw.executemany("INSERT INTO bench_pool VALUES (?, ?, ?, ?)", pool)
        raw.commit()
        for sql in statements:
            raw.execute(sql)
            raw.commit()
            step("rows")
        raw.execute(trigger)
        raw.execute("INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('rebuild')")
        raw.commit()
        step("FTS5 rebuilt")
        raw.execute("INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('optimize')")
        raw.execute("ANALYZE")
        raw.commit()
        raw.execute("PRAGMA synchronous=NORMAL")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("TRUNCATE core_searchdocument")
            cursor.execute("DROP INDEX IF EXISTS core_searchdocument_vector_gin")
            cursor.execute(
                "CREATE TEMP TABLE bench_pool (lang text, k int, t text, s text, PRIMARY KEY (lang, k))"
            )
            with cursor.copy("COPY bench_pool FROM STDIN") as copy:
                for row in pool:
                    copy.write_row(row)
            for sql in statements:
                cursor.execute(sql)
                step("rows")
            cursor.execute(
                "CREATE INDEX core_searchdocument_vector_gin ON core_searchdocument USING GIN (search_vector)"
            )
            step("GIN built")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('core_searchdocument', 'id'), max(id)) FROM core_searchdocument"
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE core_searchdocument")
    SearchDocument.objects.create(kind="bench_marker", object_id=marker, title="", body="")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / "search.sqlite3"))
    label = setup_django()
    migrate_quietly()
    from django.db import connection

    from postventa.core import search

    loaded = load(args.messages)
    if args.load_only:
        print(f"loaded in {loaded:.0f} s")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_searchdocument")
        total = cursor.fetchone()[0]
    rng = random.Random(11)
    rows = []
    scenarios = [
        ("admin, everything", {}),
        ("agent: 2 teams + own", {"team_ids": [1, 2]}),
        ("messages, status open", {"kinds": ["message"], "filters": search.Filters(statuses=("open",))}),
        ("tickets, last 90 days", {"kinds": ["ticket"], "filters": search.Filters(since=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))}),
        ("portal: one customer", {"customer_id": 4242, "staff_only": False}),
    ]  # fmt: skip
    all_samples: list[float] = []
    all_cpu: list[float] = []
    for name, kwargs in scenarios:
        for query in QUERIES[:4]:  # warm the caches (stemmers, page cache)
            search.search(query, **kwargs)
        samples, cpu, hits = [], [], 0
        for _ in range(args.queries):
            query = rng.choice(QUERIES)
            with Timer() as t:
                hits += len(search.search(query, limit=20, **kwargs))
            samples.append(t.seconds)
            cpu.append(t.cpu_seconds)
        all_samples += samples
        s, c = summary_ms(samples), summary_ms(cpu)
        all_cpu += cpu
        rows.append(
            [
                name,
                s["n"],
                f"{s['p50']:.1f}",
                f"{s['p95']:.1f}",
                f"{s['p99']:.1f}",
                f"{c['p50']:.1f}",
                f"{c['p95']:.1f}",
                f"{hits / s['n']:.1f}",
            ]
        )
    s, c = summary_ms(all_samples), summary_ms(all_cpu)
    rows.append(
        [
            "all scenarios",
            s["n"],
            f"{s['p50']:.1f}",
            f"{s['p95']:.1f}",
            f"{s['p99']:.1f}",
            f"{c['p50']:.1f}",
            f"{c['p95']:.1f}",
            "",
        ]
    )
    print(
        f"search latency over {total} documents ({args.messages} messages) on {label}"
        + (f" (loaded in {loaded:.0f} s)" if loaded else "")
        + f"; ranking window {search.RANK_WINDOW} newest matches"
    )
    print(load_note())
    # cpu: this process's CPU time per query (on SQLite that includes the SQL; on PostgreSQL the
    # server's share is not in it). On a crowded machine it is the fairer figure.
    print(
        table(["scenario", "queries", "p50 ms", "p95 ms", "p99 ms", "cpu p50", "cpu p95", "hits/query"], rows)
    )


if __name__ == "__main__":
    main()
