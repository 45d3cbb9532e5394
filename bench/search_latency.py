"""Search latency: p50/p95/p99 of core.search.search() over N synthetic Spanish documents.

    .venv/bin/python bench/search_latency.py --docs 100000 --queries 300
    DATABASE_URL=postgres://... .venv/bin/python bench/search_latency.py

Uses its own SQLite file (var/bench/search.sqlite3) unless DATABASE_URL is set; the documents
are of kind "bench" and are rebuilt when --docs changes. Times the whole call as a page sees it:
query parsing, the ranked full-text query, loading the rows and highlighting.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, Timer, load_note, migrate_quietly, setup_django, summary_ms, table  # noqa: E402

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
]
FILLER = [
    "Buenos",
    "días,",
    "les",
    "escribo",
    "porque",
    "tengo",
    "un",
    "problema",
    "con",
    "mi",
    "pedido.",
    "Ya",
    "llamé",
    "la",
    "semana",
    "pasada",
    "y",
    "me",
    "dijeron",
    "que",
    "me",
    "contestarían",
    "por",
    "correo,",
    "pero",
    "no",
    "he",
    "recibido",
    "nada.",
    "Quedo",
    "a",
    "la",
    "espera.",
    "Un",
    "saludo.",
]
QUERIES = [
    "devolución",
    "devoluciones lavadora",
    "reembolso",
    "garantia pantalla",
    "gomez",
    "envio retraso",
    "factura empresa",
    "tecnico cita",
    "frigorifico roto",
    "no enciende",
    "María Martínez",
    "cafet",
]


def _text(rng: random.Random) -> tuple[str, str]:
    product, problem = rng.choice(PRODUCTS), rng.choice(PROBLEMS)
    title = f"Mi {product} {problem}"
    words = rng.sample(FILLER, 20)
    body = (
        f"{' '.join(words)} El {product} {problem}. "
        f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} ({rng.randint(600000000, 699999999)})."
    )
    return title, body


def load(n: int, seed: int = 7) -> float:
    from django.db import transaction

    from postventa.core.models import SearchDocument
    from postventa.core.search.text import stem_text

    if SearchDocument.objects.filter(kind="bench").count() == n:
        return 0.0
    rng = random.Random(seed)
    start = time.perf_counter()
    with transaction.atomic():
        SearchDocument.objects.filter(kind="bench").delete()
        batch = []
        for i in range(n):
            title, body = _text(rng)
            batch.append(
                SearchDocument(
                    kind="bench",
                    object_id=str(i),
                    title=title,
                    body=body,
                    language="es",
                    customer_id=i % 5000,
                    team_id=i % 7 or None,
                    stemmed_title=stem_text(title, "es"),
                    stemmed_body=stem_text(body, "es"),
                )
            )
            if len(batch) == 5000:
                SearchDocument.objects.bulk_create(batch)
                batch = []
        SearchDocument.objects.bulk_create(batch)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / "search.sqlite3"))
    label = setup_django()
    migrate_quietly()
    from postventa.core import search

    loaded = load(args.docs)
    rng = random.Random(11)
    rows = []
    for name, kwargs in [
        ("all documents", {}),
        ("one agent's teams", {"team_ids": [1, 2]}),
        ("one customer (portal)", {"customer_id": 42}),
    ]:
        for query in QUERIES[:3]:  # warm the caches (stemmers, page cache)
            search.search(query, **kwargs)
        samples = []
        hits = 0
        for _ in range(args.queries):
            query = rng.choice(QUERIES)
            with Timer() as t:
                hits += len(search.search(query, kinds=["bench"], limit=20, **kwargs))
            samples.append(t.seconds)
        s = summary_ms(samples)
        rows.append(
            [name, s["n"], f"{s['p50']:.1f}", f"{s['p95']:.1f}", f"{s['p99']:.1f}", f"{hits / s['n']:.1f}"]
        )
    print(
        f"search latency over {args.docs} documents on {label}"
        + (f" (loaded in {loaded:.1f} s)" if loaded else "")
    )
    print(load_note())
    print(table(["filter", "queries", "p50 ms", "p95 ms", "p99 ms", "hits/query"], rows))


if __name__ == "__main__":
    main()
