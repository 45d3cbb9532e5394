"""The corpus of real-world-shaped emails, each with its expected outcome (corpus/expected.json)."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from postventa.helpdesk.models import Message, Ticket
from postventa.messaging.email.models import InboundEmail
from postventa.messaging.email.services import inbound_store, process_inbound
from postventa.messaging.email.threading_keys import loop_token

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


def load(name: str) -> bytes:
    return (CORPUS / name).read_bytes().replace(b"{LOOP}", loop_token().encode())


def test_corpus_has_forty_or_more_emails_all_with_expectations():
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 40
    assert set(files) == set(EXPECTED)


@pytest.mark.django_db
def test_every_corpus_email_has_its_expected_outcome():
    problems: list[str] = []
    tickets_by_file: dict[str, int | None] = {}
    for name in sorted(EXPECTED):
        want = EXPECTED[name]
        tickets_before = Ticket.objects.count()
        raw_id = inbound_store(raw=load(name))
        status = process_inbound(raw_id)
        row = InboundEmail.objects.get(pk=raw_id)
        tickets_by_file[name] = row.ticket_id

        def check(ok: bool, what: str) -> None:
            if not ok:
                problems.append(
                    f"{name}: {what} (status={row.status} reason={row.reason} error={row.error[:200]})"
                )

        check(
            status == want["status"] and row.status == want["status"], f"status {status} != {want['status']}"
        )
        check(bytes(row.raw) == load(name), "raw kept byte for byte")
        if "reason" in want:
            check(row.reason == want["reason"], f"reason {row.reason!r} != {want['reason']!r}")
        if want["ticket"] is None:
            check(row.ticket_id is None and Ticket.objects.count() == tickets_before, "no ticket expected")
            continue
        if want["ticket"] == "new":
            check(Ticket.objects.count() == tickets_before + 1, "a new ticket expected")
        elif want["ticket"].startswith("same_as:"):
            other = tickets_by_file[want["ticket"].split(":", 1)[1]]
            check(row.ticket_id == other and Ticket.objects.count() == tickets_before, "same ticket expected")
        if row.helpdesk_message_id is None:
            check(False, "no message stored")
            continue
        message = Message.objects.select_related("ticket__customer", "author_customer").get(
            pk=row.helpdesk_message_id
        )
        check(message.author_customer.email == want["customer"], f"customer {message.author_customer.email}")
        check(message.channel == "email" and message.direction == "inbound", "inbound email message")
        if want["ticket"] == "new":
            check(message.raw_ref == f"mail.inbound:{raw_id}", "raw_ref points at the raw row")
        for text in want.get("contains", []):
            check(text in message.body_text, f"text should contain {text!r}: {message.body_text!r}")
        for text in want.get("not_contains", []):
            check(text not in message.body_text, f"text should not contain {text!r}: {message.body_text!r}")
        for text in want.get("html_contains", []):
            check(text in message.body_html, f"html should contain {text!r}")
        for text in want.get("html_not_contains", []):
            check(text not in message.body_html, f"html should not contain {text!r}")
        if "subject" in want:
            check(message.ticket.subject == want["subject"], f"subject {message.ticket.subject!r}")
        check(
            message.attachments.count() == want["attachments"], f"attachments {message.attachments.count()}"
        )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_huge_attachment_is_dropped_with_a_note_and_the_message_kept(settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
    msg = EmailMessage()
    msg["From"] = "Rosa <rosa@example.es>"
    msg["To"] = "soporte@tienda.test"
    msg["Subject"] = "Vídeo del fallo"
    msg["Message-ID"] = "<huge-1@example.es>"
    msg.set_content("Os mando el vídeo y una foto.")
    msg.add_attachment(b"\x00\x01" * (3 * 1024 * 1024), maintype="video", subtype="mp4", filename="fallo.mp4")
    msg.add_attachment(b"\x89PNG small", maintype="image", subtype="png", filename="foto.png")
    raw_id = inbound_store(raw=msg.as_bytes())

    assert process_inbound(raw_id) == "processed"

    row = InboundEmail.objects.get(pk=raw_id)
    assert row.size > 6 * 1024 * 1024
    message = Message.objects.get(pk=row.helpdesk_message_id)
    assert [a.filename for a in message.attachments.all()] == ["foto.png"]
    assert "Os mando el vídeo" in message.body_text
    assert "fallo.mp4" in message.body_text
    assert message.data["dropped_attachments"]
