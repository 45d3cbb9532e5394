"""An inbound SMTP or LMTP server (aiosmtpd): an MTA hands us mail for our mailboxes.

Each accepted message is stored raw for each recipient mailbox and queued for processing;
the server answers 250 only after the raw row has committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

from postventa.messaging.email.models import InboundEmail, Mailbox

log = logging.getLogger(__name__)


def _enqueue(raw_id: int) -> None:
    from postventa.messaging.email.tasks import process_inbound_task

    process_inbound_task(raw_id)


def _mailbox(address: str) -> Mailbox | None:
    return Mailbox.objects.filter(address=address.lower(), is_active=True, inbound_smtp_enabled=True).first()


def _known_mailbox(address: str) -> Mailbox | None:
    from django.db import connection

    try:
        return _mailbox(address)
    finally:
        connection.close()


def accept(rcpt_tos: list[str], content: bytes, *, enqueue: Callable[[int], None] = _enqueue) -> list[int]:
    """Store `content` once per known recipient mailbox; returns the stored ids (empty: refuse)."""
    from django.db import connection

    from postventa.messaging.email.services import inbound_store

    ids: list[int] = []
    try:
        for rcpt in rcpt_tos:
            mailbox = _mailbox(rcpt)
            if mailbox is None:
                continue
            ids.append(inbound_store(raw=content, mailbox=mailbox, source=InboundEmail.Source.SMTP))
    finally:
        # Runs in the event loop's executor threads: never leave their connections idle open.
        connection.close()
    for raw_id in ids:
        try:
            enqueue(raw_id)
        except Exception as exc:  # noqa: BLE001 - the raw is stored; the dead-letter retry picks it up
            log.warning("could not enqueue inbound email %s: %s", raw_id, exc)
    return ids


class Handler:
    def __init__(self, enqueue: Callable[[int], None] = _enqueue):
        self.enqueue = enqueue

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        known = await asyncio.get_running_loop().run_in_executor(None, _known_mailbox, address)
        if known is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            ids = await loop.run_in_executor(
                None, lambda: accept(envelope.rcpt_tos, content, enqueue=self.enqueue)
            )
        except Exception as exc:  # noqa: BLE001 - tell the MTA to try again later
            log.exception("storing inbound email failed")
            return f"451 4.3.0 Temporary failure: {type(exc).__name__}"
        if not ids:
            return "550 5.1.1 No such mailbox here"
        return "250 Message accepted for delivery"


class LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


def make_controller(
    *, host: str, port: int, lmtp: bool = False, enqueue: Callable[[int], None] = _enqueue
) -> Controller:
    cls = LMTPController if lmtp else Controller
    # 40 MB: room for the attachment limit after base64 growth; bigger mail is refused by SMTP.
    return cls(
        Handler(enqueue), hostname=host, port=port, data_size_limit=40 * 1024 * 1024, decode_data=False
    )
