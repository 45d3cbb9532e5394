"""Every write of the email channel: storing raw mail, turning it into ticket messages, mailboxes.

    raw_id = inbound_store(raw=bytes, mailbox=mb, source="imap")   # committed first
    process_inbound(raw_id)                                        # parse, thread, receive

A failure while processing marks the row `failed` with the error (the dead-letter list);
`inbound_retry` runs it again once the cause is fixed.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.permissions import require
from postventa.helpdesk.content import MAX_ATTACHMENTS_PER_MESSAGE, IncomingFile, normalise_upload
from postventa.messaging.email import detection, parsing, quotes
from postventa.messaging.email.models import InboundEmail, Mailbox
from postventa.messaging.email.threading_keys import find_marker, find_subject_token

log = logging.getLogger(__name__)


def inbound_store(
    *, raw: bytes, mailbox: Mailbox | None = None, source: str = InboundEmail.Source.IMAP
) -> int:
    """Save the raw bytes (and a few cheap header fields for the log) before any real parsing."""
    with transaction.atomic():
        return InboundEmail.objects.create(**_inbound_fields(raw, mailbox, source)).pk


def inbound_store_many(
    *, raws: list[bytes], mailbox: Mailbox | None = None, source: str = InboundEmail.Source.IMAP
) -> list[int]:
    """Save a batch of raw messages in one commit (an IMAP fetch batch); ids in the same order."""
    with transaction.atomic():
        return [InboundEmail.objects.create(**_inbound_fields(raw, mailbox, source)).pk for raw in raws]


def _inbound_fields(raw: bytes, mailbox: Mailbox | None, source: str) -> dict[str, Any]:
    raw = bytes(raw or b"")
    head = raw[:16384].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    fields = {"message_id": "", "from_address": "", "subject": ""}
    try:
        headers = parsing.message_from_bytes(head + b"\n\n", policy=parsing.policy.default)
        ids = parsing.message_ids(parsing._header(headers, "Message-ID"))
        fields["message_id"] = ids[0] if ids else ""
        fields["from_address"] = parsing.parseaddr(parsing._header(headers, "From"))[1].lower()[:300]
        fields["subject"] = parsing._header(headers, "Subject")[:300]
    except Exception as exc:  # noqa: BLE001 - the log fields are a convenience; the raw is what matters
        log.info("could not read the headers of an inbound email: %s", exc)
    return {"mailbox": mailbox, "source": source, "raw": raw, "size": len(raw), **fields}


def _attachments(parsed: parsing.ParsedEmail) -> tuple[list[IncomingFile], list[str]]:
    """Files within the helpdesk limits, and a note for each one dropped (never a failure)."""
    kept: list[IncomingFile] = []
    notes: list[str] = []
    for item in parsed.attachments:
        if len(kept) >= MAX_ATTACHMENTS_PER_MESSAGE:
            notes.append(_("Attachment “%(name)s” was not kept: too many files.") % {"name": item.filename})
            continue
        try:
            name, ctype = normalise_upload(item.filename, item.content_type, len(item.content))
        except ValidationFailed as exc:
            if exc.code == "attachment_empty":
                continue
            notes.append(
                _("Attachment “%(name)s” was not kept: %(reason)s")
                % {"name": item.filename, "reason": exc.message}
            )
            continue
        kept.append(IncomingFile(filename=name, content_type=ctype, content=item.content))
    return kept, notes


def _find_ticket(parsed: parsing.ParsedEmail, customer):
    """The ticket this mail continues: thread keys, then the subject token, then the body marker."""
    from postventa.helpdesk.models import Channel, Ticket, TicketThreadKey

    keys = [*reversed(parsed.in_reply_to), *reversed(parsed.references)]
    if keys:
        found = TicketThreadKey.objects.filter(channel=Channel.EMAIL, key__in=keys[:100]).select_related(
            "ticket"
        )
        by_key = {k.key: k.ticket for k in found}
        for key in keys:
            if key in by_key:
                return by_key[key], "thread_key"
    number = find_subject_token(parsed.subject)
    if number is not None:
        ticket = Ticket.objects.filter(number=number, customer=customer).first()
        if ticket is not None:
            return ticket, "subject_token"
    number = find_marker(parsed.text, parsing.html_to_text(parsed.html) if parsed.html else "")
    if number is not None:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None:
            return ticket, "body_marker"
    return None, ""


def _finish(row: InboundEmail, **fields: Any) -> None:
    fields.setdefault("processed_at", timezone.now())
    InboundEmail.objects.filter(pk=row.pk).update(**fields)


def _receive(row: InboundEmail, parsed: parsing.ParsedEmail) -> None:
    from postventa.customers.services import customer_identify
    from postventa.helpdesk.models import Channel
    from postventa.helpdesk.services import receive_message

    first, _sep, last = parsed.from_name.partition(" ")
    if "@" in first:
        first, last = "", ""
    language = parsed.language[:2].lower() if parsed.language[:2].lower() in ("es", "en") else "es"
    customer, _created = customer_identify(
        email=parsed.from_address, first_name=first, last_name=last, language=language
    )
    ticket, how = _find_ticket(parsed, customer)
    if ticket is not None and ticket.customer_id != customer.pk and how != "thread_key":
        ticket = None
    html = quotes.strip_html(parsed.html, subject=parsed.subject, text=parsed.text)
    source_text = parsing.html_to_text(html) if parsed.text_from_html else parsed.text
    text = quotes.strip_text(source_text, subject=parsed.subject)
    files, notes = _attachments(parsed)
    if notes:
        text = "\n\n".join(x for x in (text, "\n".join(notes)) if x)
    if not text.strip() and not files:
        text = parsed.subject or _("(empty message)")
    keys = [*parsed.in_reply_to, *parsed.references]
    data = {"inbound_email_id": row.pk, "mailbox_id": row.mailbox_id, "threaded_by": how}
    if notes:
        data["dropped_attachments"] = notes
    ticket_obj, message, created = receive_message(
        customer=customer, channel=Channel.EMAIL, body_text=text, body_html=html, subject=parsed.subject,
        external_id=parsed.message_id or None, thread_keys=keys if ticket is None or how == "thread_key" else (),
        attachments_in=files, ticket=ticket if ticket is not None and ticket.customer_id == customer.pk else None,
        raw_ref=f"mail.inbound:{row.pk}", data=data,
    )  # fmt: skip
    if created and row.mailbox_id and row.mailbox.default_team_id and ticket_obj.team_id is None:
        from postventa.helpdesk.models import Ticket

        Ticket.objects.filter(pk=ticket_obj.pk, team_id__isnull=True).update(
            team_id=row.mailbox.default_team_id
        )
    _finish(row, status=InboundEmail.Status.PROCESSED, reason="" if created else "threaded", error="",
            ticket_id=ticket_obj.pk, helpdesk_message_id=message.pk)  # fmt: skip


def process_inbound(raw_id: int) -> str:
    """Parse one stored email and file it on a ticket (or ignore it). Returns the final status.

    Safe to run again on the same row: a processed or ignored row is left alone, and the
    helpdesk de-duplicates by Message-ID.
    """
    row = InboundEmail.objects.select_related("mailbox").filter(pk=raw_id).first()
    if row is None:
        raise NotFound(_("That email does not exist."))
    if row.status in (InboundEmail.Status.PROCESSED, InboundEmail.Status.IGNORED):
        return row.status
    attempts = row.attempts + 1
    try:
        with transaction.atomic():
            # Inside the processing transaction: one commit per email on the happy path.
            InboundEmail.objects.filter(pk=row.pk).update(attempts=attempts)
            parsed = parsing.parse(bytes(row.raw))
            if not parsed.from_address:
                _finish(row, status=InboundEmail.Status.IGNORED, reason="no_sender", error="")
                return InboundEmail.Status.IGNORED
            reason = detection.classify(parsed, inbound_id=row.pk)
            if reason:
                _finish(row, status=InboundEmail.Status.IGNORED, reason=reason, error="")
                return InboundEmail.Status.IGNORED
            try:
                with transaction.atomic():
                    _receive(row, parsed)
            except Conflict as exc:
                if exc.code != "customer_erased":
                    raise
                _finish(row, status=InboundEmail.Status.IGNORED, reason="customer_erased", error="")
                return InboundEmail.Status.IGNORED
        return InboundEmail.Status.PROCESSED
    except Exception as exc:  # noqa: BLE001 - every failure lands in the dead-letter list, never lost
        log.warning("inbound email %s failed: %s", row.pk, exc)
        _finish(row, status=InboundEmail.Status.FAILED, reason="error",
                error=f"{exc}\n{traceback.format_exc(limit=6)}"[:10000], processed_at=None, attempts=attempts)  # fmt: skip
        return InboundEmail.Status.FAILED


def process_many(raw_ids: list[int]) -> list[str]:
    """Process a batch in one transaction (one commit for the lot); each email keeps its own
    savepoint, so a failing one is marked failed without undoing the others."""
    with transaction.atomic():
        return [process_inbound(raw_id) for raw_id in raw_ids]


def inbound_retry(*, acting_user, inbound_id: int) -> str:
    """An admin runs a failed (dead-letter) email again."""
    require(acting_user, "tickets.manage")
    row = InboundEmail.objects.filter(pk=inbound_id).first()
    if row is None:
        raise NotFound(_("That email does not exist."))
    if row.status != InboundEmail.Status.FAILED:
        raise Conflict(_("Only failed emails can be retried."), code="not_failed")
    InboundEmail.objects.filter(pk=row.pk).update(status=InboundEmail.Status.RECEIVED)
    audit.record(actor=acting_user, action="mail.inbound_retried", target=row, changes={})
    return process_inbound(row.pk)


MAILBOX_FIELDS = (
    "name", "address", "imap_enabled", "imap_host", "imap_port", "imap_ssl", "imap_user", "imap_folder",
    "poll_interval_seconds", "inbound_smtp_enabled", "default_team_id", "is_active",
)  # fmt: skip


@transaction.atomic
def mailbox_save(*, acting_user, mailbox: Mailbox | None = None, data: dict[str, Any]) -> Mailbox:
    """Create or edit a mailbox. An empty `imap_password` keeps the stored one."""
    require(acting_user, "tickets.manage")
    mailbox = mailbox or Mailbox()
    creating = mailbox.pk is None
    before = {f: getattr(mailbox, f) for f in MAILBOX_FIELDS}
    for key in MAILBOX_FIELDS:
        if key in data:
            setattr(mailbox, key, data[key])
    mailbox.address = (mailbox.address or "").strip().lower()
    if data.get("imap_password"):
        mailbox.imap_password = data["imap_password"]
    if not mailbox.name.strip() or "@" not in mailbox.address:
        raise ValidationFailed(_("A mailbox needs a name and an email address."), code="mailbox_invalid")
    if mailbox.imap_enabled and not (mailbox.imap_host and mailbox.imap_user):
        raise ValidationFailed(_("IMAP polling needs a host and a user."), code="imap_incomplete")
    if not 30 <= int(mailbox.poll_interval_seconds or 0) <= 86400:
        raise ValidationFailed(
            _("The poll interval must be between 30 seconds and one day."), code="bad_interval"
        )
    if Mailbox.objects.filter(address=mailbox.address).exclude(pk=mailbox.pk).exists():
        raise Conflict(_("Another mailbox already uses that address."), code="mailbox_exists")
    mailbox.save()
    changes = {
        f: [str(before[f]), str(getattr(mailbox, f))]
        for f in MAILBOX_FIELDS
        if before[f] != getattr(mailbox, f)
    }
    if data.get("imap_password"):
        changes["imap_password"] = ["***", "***"]
    audit.record(actor=acting_user, action="mail.mailbox_created" if creating else "mail.mailbox_changed",
                 target=mailbox, changes=changes)  # fmt: skip
    return mailbox
