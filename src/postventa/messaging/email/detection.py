"""Mail that must not open tickets nor get answers: auto-replies, bounces and loops."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils import timezone

from postventa.messaging.email.parsing import ParsedEmail
from postventa.messaging.email.threading_keys import OWN_MESSAGE_ID

_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|respuesta autom[áa]tica|out of (the )?office|"
    r"fuera de (la )?oficina|ausente|autoreply|abwesenheitsnotiz|r[ée]ponse automatique)\b",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification|mail delivery (failed|failure)|"
    r"returned mail|no se puede entregar|error de entrega)",
    re.IGNORECASE,
)


def loop_limit() -> tuple[int, int]:
    """(max mails, minutes) from one address before further mail is treated as a loop."""
    return int(getattr(settings, "MAIL_LOOP_MAX", 30)), int(getattr(settings, "MAIL_LOOP_MINUTES", 10))


def auto_reply(parsed: ParsedEmail) -> bool:
    h = parsed.headers
    if h.get("auto-submitted", "no").lower().split(";")[0].strip() not in ("no", ""):
        return True
    if "x-autoreply" in h or "x-autorespond" in h:
        return True
    if h.get("precedence", "").lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    return bool(_AUTO_SUBJECT.match(parsed.subject or ""))


def bounce(parsed: ParsedEmail) -> bool:
    if parsed.content_type == "multipart/report":
        return True
    if _BOUNCE_SENDERS.match(parsed.from_address or ""):
        return True
    if parsed.headers.get("return-path", "").strip() == "<>":
        return True
    return bool(_BOUNCE_SUBJECT.match(parsed.subject or "")) and not parsed.in_reply_to


def loop(
    parsed: ParsedEmail,
    *,
    inbound_id: int | None = None,
    now: dt.datetime | None = None,
    own_addresses: frozenset[str] | None = None,
    recent_count: int | None = None,
) -> bool:
    """Our own mail coming back, one of our addresses writing to us, or a sender's mail storm.

    A batch passes what it looked up once for all its emails: `own_addresses` (every mailbox
    address) and `recent_count` (mail from this sender in the window, not counting this one).
    """
    from postventa.messaging.email.models import InboundEmail, Mailbox, OutboundEmail
    from postventa.messaging.email.threading_keys import loop_token

    if parsed.headers.get("x-postventa-loop", "").strip() == loop_token():
        return True
    if (
        parsed.message_id
        and OWN_MESSAGE_ID.match(parsed.message_id)
        and OutboundEmail.objects.filter(rfc_message_id=parsed.message_id).exists()
    ):
        return True
    if parsed.from_address:
        if own_addresses is not None:
            if parsed.from_address in own_addresses:
                return True
        elif Mailbox.objects.filter(address=parsed.from_address).exists():
            return True  # one of our own addresses writing to us: a forwarding rule or a loop
    if parsed.from_address:
        limit, minutes = loop_limit()
        if recent_count is None:
            since = (now or timezone.now()) - dt.timedelta(minutes=minutes)
            recent = InboundEmail.objects.filter(from_address=parsed.from_address, received_at__gte=since)
            if inbound_id:
                recent = recent.exclude(pk=inbound_id)
            recent_count = recent.count()
        if recent_count >= limit:
            return True
    return False


def classify(
    parsed: ParsedEmail,
    *,
    inbound_id: int | None = None,
    now: dt.datetime | None = None,
    own_addresses: frozenset[str] | None = None,
    recent_count: int | None = None,
) -> str:
    """ "" for mail a person wrote, else why it is ignored: auto_reply, bounce or loop."""
    if bounce(parsed):
        return "bounce"
    if loop(parsed, inbound_id=inbound_id, now=now, own_addresses=own_addresses, recent_count=recent_count):
        return "loop"
    if auto_reply(parsed):
        return "auto_reply"
    return ""
