"""Emails ingested per second, end to end: raw stored, parsed, threaded, filed on a ticket.

    .venv/bin/python bench/email_ingest.py [--emails 3000] [--keep]

Runs on its own SQLite file (var/bench/email_ingest.sqlite3, recreated each run; or
DATABASE_URL) so the big bench database is untouched. The mix is what a support mailbox sees:
new requests (plain and HTML, some Latin-1), customers answering earlier mail (In-Reply-To),
replies with quoted history to strip, auto-replies and bounces. Each email goes through
`inbound_store` (the raw row is committed) and `process_inbound` (customer lookup or creation,
threading, quote stripping, ticket and message rows, outbox events). Target: >= 300/s on SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, load_note, migrate_quietly, setup_django, table  # noqa: E402


def build_corpus(n: int) -> list[bytes]:
    """Deterministic mix of mail; replies point at Message-IDs of earlier mail in the list."""
    mails: list[bytes] = []
    sent_ids: list[str] = []
    for i in range(n):
        kind = i % 10
        msg = EmailMessage()
        customer = i % 700
        msg["From"] = f"Cliente {customer} <cliente{customer}@example.es>"
        msg["To"] = "soporte@tienda.test"
        msg["Message-ID"] = f"<bench-{i}@example.es>"
        if kind in (0, 1, 2, 3, 4):
            msg["Subject"] = f"Problema con el pedido {10000 + i}"
            msg.set_content(f"Hola,\nel pedido {10000 + i} llegó dañado. ¿Qué hago?\nGracias")
        elif kind == 5:
            msg["Subject"] = f"Factura {i}"
            msg.set_content(f"<p>Necesito la <b>factura</b> del pedido {i}.</p>", subtype="html")
        elif kind == 6:
            msg["Subject"] = f"Devolución {i}"
            msg.set_content(f"Quiero devolver el artículo {i}; el cajón no cierra.", charset="iso-8859-1")
        elif kind in (7, 8) and sent_ids:
            parent = sent_ids[(i * 7) % len(sent_ids)]
            msg["Subject"] = "Re: Problema con el pedido"
            msg["In-Reply-To"] = parent
            msg["References"] = parent
            msg.set_content(
                "Sí, adjunto el número de serie AB-1234.\n\n"
                "El lun, 3 nov 2025 a las 10:12, Soporte <soporte@tienda.test> escribió:\n"
                "> ¿Nos indica el número de serie?\n> Gracias\n"
            )
        else:
            msg["Subject"] = "Respuesta automática: fuera de la oficina"
            msg["Auto-Submitted"] = "auto-replied"
            msg.set_content("Estoy fuera hasta el lunes.")
        sent_ids.append(msg["Message-ID"])
        mails.append(msg.as_bytes())
    return mails


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=3000, help="total, split between the two paths")
    parser.add_argument("--keep", action="store_true", help="keep the database file afterwards")
    args = parser.parse_args()

    db_path = BENCH_DIR / "email_ingest.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(db_path)
    label = setup_django()
    migrate_quietly()

    from django.conf import settings

    # A storm limit suited to the corpus (700 senders); the real default stays as configured.
    settings.MAIL_LOOP_MAX = 10_000

    from postventa.helpdesk.models import Message, Ticket
    from postventa.messaging.email.models import InboundEmail, Mailbox
    from postventa.messaging.email.services import (
        inbound_store,
        inbound_store_many,
        process_inbound,
        process_many,
    )

    mailbox = Mailbox.objects.create(name="Soporte", address="soporte@tienda.test")
    for raw in build_corpus(20):  # imports, template and regex compilation outside the timing
        process_inbound(inbound_store(raw=raw.replace(b"bench-", b"warm-"), mailbox=mailbox))

    rows = []
    half = args.emails // 2
    for path, prefix in (
        ("one by one (SMTP/LMTP listener)", b"one-"),
        ("batches of 50 (IMAP poll)", b"batch-"),
    ):
        mails = [raw.replace(b"bench-", prefix) for raw in build_corpus(half)]
        before = InboundEmail.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started, cpu_started = time.perf_counter(), time.process_time()
        if prefix == b"one-":
            for raw in mails:
                process_inbound(inbound_store(raw=raw, mailbox=mailbox))
        else:
            for i in range(0, len(mails), 50):
                process_many(inbound_store_many(raws=mails[i : i + 50], mailbox=mailbox))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        new = InboundEmail.objects.filter(pk__gt=before)
        counts = {s: new.filter(status=s).count() for s in ("processed", "ignored", "failed")}
        rate = half / elapsed
        rows.append([path, half, f"{elapsed:.2f}", f"{rate:.0f}", f"{half / cpu:.0f}", counts["processed"], counts["ignored"],
                     counts["failed"], ">= 300/s " + ("OK" if rate >= 300 else "MISSED")])  # fmt: skip
    print(f"email ingest end to end ({label}; {load_note()})")
    print(table(["path", "emails", "seconds", "emails/s", "per CPU-s", "processed", "ignored", "failed", "target"], rows))
    print(f"tickets {Ticket.objects.count()}, messages {Message.objects.count()}")
    if not args.keep and not os.environ.get("DATABASE_URL"):
        from django.db import connections

        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
