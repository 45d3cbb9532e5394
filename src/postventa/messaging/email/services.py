"""Every write of the email channel: storing raw mail, turning it into ticket messages, mailboxes.

    raw_id = inbound_store(raw=bytes, mailbox=mb, source="imap")   # committed first
    process_inbound(raw_id)                                        # parse, thread, receive

A failure while processing marks the row `failed` with the error (the dead-letter list);
`inbound_retry` runs it again once the cause is fixed.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
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
    rows = [InboundEmail(**_inbound_fields(raw, mailbox, source)) for raw in raws]
    with transaction.atomic():
        created = InboundEmail.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if any(pk is None for pk in ids):  # a backend that cannot return ids from a bulk insert
        with transaction.atomic():
            for row in rows:
                row.pk = None
            return [InboundEmail.objects.create(**_inbound_fields(raw, mailbox, source)).pk for raw in raws]
    return ids


def _inbound_fields(raw: bytes, mailbox: Mailbox | None, source: str) -> dict[str, Any]:
    raw = bytes(raw or b"")
    head = raw[:16384].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    fields = {"message_id": "", "from_address": "", "subject": ""}
    try:
        headers = parsing.message_from_bytes(head + b"\n\n", policy=parsing.policy.compat32)
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


class _Batch:
    """What the emails of one batch share, looked up once: the batch's speed comes from here.

    Every email of the batch is parsed first; then one query each finds our own addresses
    (loop check), how much mail each sender sent lately (storm check), the senders that are
    already customers, and the Message-IDs already filed. Status updates of the rows and the
    ticket events are written once, at the end, in the batch's transaction. Lookups cached
    here are only ever added to by this batch's own writes, and an email that fails takes
    its additions back out (its savepoint rolled its rows back).
    """

    def __init__(self, rows: list[InboundEmail], now: dt.datetime | None = None) -> None:
        from postventa.customers.services import customers_by_email
        from postventa.helpdesk.models import Channel, Message

        self.now = now or timezone.now()
        self.parsed: dict[int, parsing.ParsedEmail | Exception] = {}
        for row in rows:
            if row.status in (InboundEmail.Status.PROCESSED, InboundEmail.Status.IGNORED):
                continue
            try:
                self.parsed[row.pk] = parsing.parse(bytes(row.raw))
            except Exception as exc:  # noqa: BLE001 - fails that email alone, below
                self.parsed[row.pk] = exc
        good = [p for p in self.parsed.values() if isinstance(p, parsing.ParsedEmail)]
        senders = sorted({p.from_address for p in good if p.from_address})
        limit, minutes = detection.loop_limit()
        self.loop_limit = limit
        self.since = self.now - dt.timedelta(minutes=minutes)
        self.recent: dict[str, int] = {}
        if senders:
            counts = (
                InboundEmail.objects.filter(from_address__in=senders, received_at__gte=self.since)
                .values("from_address")
                .annotate(n=Count("id"))
                .values_list("from_address", "n")
            )
            self.recent = dict(counts)
        self.own_addresses = (
            frozenset(Mailbox.objects.values_list("address", flat=True)) if senders else frozenset()
        )
        self.customers = customers_by_email(senders) if senders else {}
        mids = sorted({p.message_id for p in good if p.message_id})
        self.filed_ids: set[str] = set()
        if mids:
            self.filed_ids = set(
                Message.objects.filter(channel=Channel.EMAIL, external_id__in=mids).values_list(
                    "external_id", flat=True
                )
            )
        self.seen_ids: set[str] = set()
        self.events: list[dict[str, Any]] = []
        self.done: list[InboundEmail] = []

    def recent_from(self, row: InboundEmail, address: str) -> int:
        """Mail from `address` in the loop window, not counting this email (as detection.loop)."""
        count = self.recent.get(address, 0)
        if row.from_address == address and row.received_at >= self.since:
            count -= 1
        return count

    def finish(self, row: InboundEmail, **fields: Any) -> None:
        fields.setdefault("error", "")
        fields.setdefault("processed_at", timezone.now())
        for name, value in fields.items():
            setattr(row, name, value)
        self.done.append(row)

    def flush(self) -> None:
        from postventa.core.events import emit_many

        if self.done:
            # One executemany (bulk_update's CASE expressions cost more than the rest of the
            # batch's Python): every row gets the same statement with its own values.
            table = connection.ops.quote_name(InboundEmail._meta.db_table)
            columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in _FINISH_FIELDS)
            adapt = connection.ops.adapt_datetimefield_value
            params = [
                [
                    *(
                        adapt(v) if name == "processed_at" else v
                        for name, v in ((f, getattr(r, f)) for f in _FINISH_FIELDS)
                    ),
                    r.pk,
                ]
                for r in self.done
            ]
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", params)  # noqa: S608
            self.done = []
        if self.events:
            emit_many(self.events)
            self.events = []


_FINISH_FIELDS = ["status", "reason", "error", "attempts", "processed_at", "ticket_id", "helpdesk_message_id"]


def _find_ticket(parsed: parsing.ParsedEmail, customer):
    """The ticket this mail continues: thread keys, then the subject token, then the body marker.

    Returns (ticket, how, keys_known): `keys_known` is False when none of the mail's thread keys
    nor its own Message-ID is on any ticket, so the helpdesk need not look them up again.
    """
    from postventa.helpdesk.models import Channel, Ticket, TicketThreadKey

    keys = [*reversed(parsed.in_reply_to), *reversed(parsed.references)]
    lookup = [*keys, parsed.message_id] if parsed.message_id else keys
    keys_known = len(lookup) > 100
    if lookup:
        found = TicketThreadKey.objects.filter(channel=Channel.EMAIL, key__in=lookup[:100]).values_list(
            "key", "ticket_id"
        )
        by_key = dict(found)
        keys_known = keys_known or bool(by_key)
        for key in keys:
            if key in by_key:
                ticket = Ticket.objects.filter(pk=by_key[key]).first()
                if ticket is not None:
                    return ticket, "thread_key", True
    number = find_subject_token(parsed.subject)
    if number is not None:
        ticket = Ticket.objects.filter(number=number, customer=customer).first()
        if ticket is not None:
            return ticket, "subject_token", keys_known
    number = find_marker(parsed.text, parsing.html_to_text(parsed.html) if parsed.html else "")
    if number is not None:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None:
            return ticket, "body_marker", keys_known
    return None, "", keys_known


def _identify(parsed: parsing.ParsedEmail, batch: _Batch, created: list[str]):
    from postventa.customers.services import customer_identify

    customer = batch.customers.get(parsed.from_address)
    if customer is not None:
        return customer
    first, _sep, last = parsed.from_name.partition(" ")
    if "@" in first:
        first, last = "", ""
    language = parsed.language[:2].lower() if parsed.language[:2].lower() in ("es", "en") else "es"
    customer, _created = customer_identify(
        email=parsed.from_address, first_name=first, last_name=last, language=language
    )
    if customer.merged_into_id is None:
        batch.customers[parsed.from_address] = customer
        created.append(parsed.from_address)
    return customer


def _receive(
    row: InboundEmail, parsed: parsing.ParsedEmail, batch: _Batch, created: list[str]
) -> dict[str, Any]:
    from postventa.helpdesk.models import Channel
    from postventa.helpdesk.services import receive_message

    customer = _identify(parsed, batch, created)
    ticket, how, keys_known = _find_ticket(parsed, customer)
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
    mid = parsed.message_id
    ticket_obj, message, created_ticket = receive_message(
        customer=customer, channel=Channel.EMAIL, body_text=text, body_html=html, subject=parsed.subject,
        external_id=mid or None, thread_keys=keys if ticket is None or how == "thread_key" else (),
        attachments_in=files, ticket=ticket if ticket is not None and ticket.customer_id == customer.pk else None,
        raw_ref=f"mail.inbound:{row.pk}", data=data, keys_checked=not keys_known,
        external_id_checked=bool(mid) and mid not in batch.filed_ids and mid not in batch.seen_ids,
    )  # fmt: skip
    if mid:
        batch.seen_ids.add(mid)
    if created_ticket and row.mailbox_id and row.mailbox.default_team_id and ticket_obj.team_id is None:
        from postventa.helpdesk.models import Ticket

        Ticket.objects.filter(pk=ticket_obj.pk, team_id__isnull=True).update(
            team_id=row.mailbox.default_team_id
        )
    return {"status": InboundEmail.Status.PROCESSED, "reason": "" if created_ticket else "threaded",
            "ticket_id": ticket_obj.pk, "helpdesk_message_id": message.pk}  # fmt: skip


def _handle(
    row: InboundEmail, parsed: parsing.ParsedEmail, batch: _Batch, created: list[str]
) -> dict[str, Any]:
    """Classify and file one parsed email; returns the row's final fields."""
    if not parsed.from_address:
        return {"status": InboundEmail.Status.IGNORED, "reason": "no_sender"}
    reason = detection.classify(
        parsed, inbound_id=row.pk, own_addresses=batch.own_addresses,
        recent_count=batch.recent_from(row, parsed.from_address), now=batch.now,
    )  # fmt: skip
    if reason:
        return {"status": InboundEmail.Status.IGNORED, "reason": reason}
    try:
        return _receive(row, parsed, batch, created)
    except Conflict as exc:
        # receive_message refuses before writing anything (its own savepoint is rolled back).
        if exc.code != "customer_erased":
            raise
        return {"status": InboundEmail.Status.IGNORED, "reason": "customer_erased"}


def _process_row(row: InboundEmail, batch: _Batch) -> str:
    from postventa.helpdesk.history import collect_events

    if row.status in (InboundEmail.Status.PROCESSED, InboundEmail.Status.IGNORED):
        return row.status
    attempts = row.attempts + 1
    created: list[str] = []
    try:
        with transaction.atomic():  # this email's savepoint: a failure undoes its writes only
            parsed = batch.parsed.get(row.pk)
            if parsed is None:
                parsed = parsing.parse(bytes(row.raw))
            if isinstance(parsed, Exception):
                raise parsed
            with collect_events() as events:
                fields = _handle(row, parsed, batch, created)
    except Exception as exc:  # noqa: BLE001 - every failure lands in the dead-letter list, never lost
        for address in created:
            batch.customers.pop(address, None)
        log.warning("inbound email %s failed: %s", row.pk, exc)
        error = f"{exc}\n{''.join(traceback.format_exception(exc, limit=6))}"[:10000]
        InboundEmail.objects.filter(pk=row.pk).update(
            status=InboundEmail.Status.FAILED,
            reason="error",
            error=error,
            processed_at=None,
            attempts=attempts,
        )
        row.status, row.reason, row.error, row.processed_at, row.attempts = (
            InboundEmail.Status.FAILED, "error", error, None, attempts,
        )  # fmt: skip
        return InboundEmail.Status.FAILED
    batch.events.extend(events)
    batch.finish(row, attempts=attempts, **fields)
    return fields["status"]


def _process(raw_ids: list[int]) -> list[str]:
    by_id = {
        row.pk: row for row in InboundEmail.objects.select_related("mailbox").filter(pk__in=set(raw_ids))
    }
    if any(raw_id not in by_id for raw_id in raw_ids):
        raise NotFound(_("That email does not exist."))
    rows = [by_id[raw_id] for raw_id in raw_ids]
    batch = _Batch(list(by_id.values()))
    with transaction.atomic():
        results = [_process_row(row, batch) for row in rows]
        batch.flush()
    return results


def process_inbound(raw_id: int) -> str:
    """Parse one stored email and file it on a ticket (or ignore it). Returns the final status.

    Safe to run again on the same row: a processed or ignored row is left alone, and the
    helpdesk de-duplicates by Message-ID. A failure marks the row `failed` (dead letter).
    """
    return _process([raw_id])[0]


def process_many(raw_ids: list[int]) -> list[str]:
    """Process a batch in one transaction (one commit for the lot); each email keeps its own
    savepoint, so a failing one is marked failed without undoing the others."""
    if not raw_ids:
        return []
    return _process(list(raw_ids))


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
