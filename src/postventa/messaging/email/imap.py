"""Polling mailboxes over IMAP: fetch unseen mail, store the raw, then mark it seen."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient

from postventa.messaging.email.models import Mailbox

log = logging.getLogger(__name__)
FETCH_BATCH = 50


def connect(mailbox: Mailbox, *, timeout: float = 30) -> IMAPClient:
    client = IMAPClient(mailbox.imap_host, port=mailbox.imap_port, ssl=mailbox.imap_ssl, timeout=timeout)
    client.login(mailbox.imap_user, mailbox.imap_password)
    return client


def test_connection(mailbox: Mailbox) -> tuple[bool, str]:
    """(ok, detail) for the console's "Test connection" button; never raises."""
    try:
        client = connect(mailbox, timeout=10)
        try:
            info = client.select_folder(mailbox.imap_folder, readonly=True)
            return True, str(int(info.get(b"EXISTS", 0)))
        finally:
            client.logout()
    except Exception as exc:  # noqa: BLE001 - shown to the admin as it is
        return False, f"{type(exc).__name__}: {exc}"[:500]


def poll(mailbox: Mailbox, *, process: bool = True) -> list[int]:
    """Store every unseen message of the mailbox's folder; returns the InboundEmail ids.

    The message is fetched with BODY.PEEK (it stays unseen) and flagged \\Seen only after its
    raw row has committed: a crash in between fetches it again, and the helpdesk drops the
    duplicate by Message-ID.
    """
    from postventa.messaging.email.services import inbound_store_many, process_many

    stored: list[int] = []
    client = connect(mailbox)
    try:
        client.select_folder(mailbox.imap_folder)
        uids = client.search(["UNSEEN"])
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = uids[start : start + FETCH_BATCH]
            fetched = [
                (uid, data.get(b"BODY[]")) for uid, data in client.fetch(chunk, [b"BODY.PEEK[]"]).items()
            ]
            fetched = [(uid, raw) for uid, raw in fetched if raw is not None]
            if not fetched:
                continue
            # One commit for the batch, and only then the \\Seen flags.
            stored += inbound_store_many(raws=[raw for _uid, raw in fetched], mailbox=mailbox)
            client.add_flags([uid for uid, _raw in fetched], [b"\\Seen"])
    finally:
        try:
            client.logout()
        except Exception as exc:  # noqa: BLE001 - the mail is stored; a failed logout changes nothing
            log.info("IMAP logout from %s failed: %s", mailbox.address, exc)
    if process:
        for start in range(0, len(stored), FETCH_BATCH):
            process_many(stored[start : start + FETCH_BATCH])
    return stored


def due_mailboxes(now: dt.datetime | None = None) -> list[Mailbox]:
    now = now or timezone.now()
    boxes = Mailbox.objects.filter(is_active=True, imap_enabled=True).filter(
        Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - dt.timedelta(seconds=30))
    )
    return [
        b for b in boxes
        if b.last_polled_at is None or b.last_polled_at + dt.timedelta(seconds=b.poll_interval_seconds - 5) <= now
    ]  # fmt: skip


def poll_due(now: dt.datetime | None = None) -> int:
    """Poll every active mailbox whose interval has passed; one failing box never stops the rest."""
    count = 0
    for mailbox in due_mailboxes(now):
        try:
            count += len(poll(mailbox))
            error = ""
        except Exception as exc:  # noqa: BLE001
            log.warning("IMAP poll of %s failed: %s", mailbox.address, exc)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_poll_error=error)
    return count
