"""Our threading artefacts: Message-IDs, the subject token and the signed body marker."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

OWN_MESSAGE_ID = re.compile(r"^<ticket-(\d+)-msg-(\d+)\.[0-9a-z]+@[^>]+>$", re.IGNORECASE)
SUBJECT_TOKEN = re.compile(r"\[#(\d{1,12})\]")
BODY_MARKER = re.compile(r"ref:T(\d{1,12}):([0-9a-f]{10})", re.IGNORECASE)
LOOP_HEADER = "X-Postventa-Loop"


def message_id_domain(mailbox=None) -> str:
    domain = getattr(settings, "MAIL_MESSAGE_ID_DOMAIN", "") or (mailbox.domain if mailbox else "")
    if not domain:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "postventa.local"
    return domain


def new_message_id(*, ticket_id: int, message_id: int, mailbox=None) -> str:
    return f"<ticket-{ticket_id}-msg-{message_id}.{secrets.token_hex(6)}@{message_id_domain(mailbox)}>"


def _sign(number: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"postventa-mail:{number}".encode(), hashlib.sha256).hexdigest()[:10]


def body_marker(number: int) -> str:
    """A line we put at the end of outbound mail; signed so nobody can write into another ticket."""
    return f"ref:T{number}:{_sign(number)}"


def find_marker(*texts: str) -> int | None:
    for text in texts:
        for number, sig in BODY_MARKER.findall(text or ""):
            if hmac.compare_digest(sig.lower(), _sign(int(number))):
                return int(number)
    return None


def find_subject_token(subject: str) -> int | None:
    found = SUBJECT_TOKEN.findall(subject or "")
    return int(found[-1]) if found else None


def loop_token() -> str:
    """The value of our loop header: identifies this installation without revealing the secret."""
    return hashlib.sha256(f"loop:{settings.SECRET_KEY}".encode()).hexdigest()[:16]
