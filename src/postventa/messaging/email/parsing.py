"""Turning raw RFC 5322 bytes into what the helpdesk needs, tolerating real-world breakage.

Python's email package does the MIME work; everything here is about surviving
what clients actually send: unknown or lying charsets, HTML-only mail, broken headers, parts
that fail to decode. A part that cannot be read is skipped, never the whole message.

Speed (the ingest target is >= 300 mails/s): the MIME tree is built with the compat32 policy,
which keeps header values as the raw strings they arrived as (about 15 times cheaper than
policy.default, whose header registry parses every header it touches). Only the headers we
read and that need it (encoded words, 8-bit bytes, addresses) go through policy.default's
header parser, so the decoded values are exactly what policy.default gives.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from email.utils import getaddresses, parseaddr

from postventa.helpdesk.content import IncomingFile, html_to_text

_DEFAULT_PARSED = frozenset({"from", "to", "cc"})
# An address header policy.default would print back unchanged: `Name <a@b.c>`, `<a@b.c>`,
# `a@b.c` (a plain name of words, one address, nothing to unquote or decode).
_PLAIN_ADDRESS = re.compile(
    r"(?:[A-Za-z0-9][A-Za-z0-9 .'-]*[A-Za-z0-9.] <[\w.+-]+@[\w-]+(?:\.[\w-]+)+>|<[\w.+-]+@[\w-]+(?:\.[\w-]+)+>|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
_ADDRESS = re.compile(r"[\w.+'=-]+@[\w-]+(\.[\w-]+)+")
_MSGID = re.compile(r"<[^<>\s]+>")
# Charset aliases that Python does not know but mail clients write.
_LINESEP = re.compile(r"\r\n|\r|\n")
_CHARSET_ALIASES = {
    "x-unknown": "latin-1",
    "unknown-8bit": "latin-1",
    "ansi_x3.4-1968": "ascii",
    "cp-850": "cp850",
}


@dataclass
class ParsedEmail:
    """The parts of one email the channel uses (all text already decoded)."""

    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    attachments: list[IncomingFile] = field(default_factory=list)
    language: str = ""
    text_from_html: bool = False


def _raw_header(msg: Message, name: str) -> str | None:
    """The header's value as stored by the parser (compat32: undecoded, folding kept)."""
    lower = name.lower()
    for key, raw in msg.raw_items():
        if key.lower() == lower:
            return raw if isinstance(raw, str) else str(raw)
    return None


def _needs_decoding(value: str) -> bool:
    return "=?" in value or not value.isascii()


def _header(msg: Message, name: str) -> str:
    """A header as text, decoded like policy.default; a malformed one falls back to its raw value."""
    value = _raw_header(msg, name)
    if value is None:
        return ""
    text = "".join(_LINESEP.split(value))
    if _needs_decoding(text) or (name.lower() in _DEFAULT_PARSED and not _PLAIN_ADDRESS.fullmatch(text)):
        # A malformed header must not stop parsing: its raw value is kept.
        with contextlib.suppress(Exception):
            text = str(policy.default.header_factory(name, text))
    return " ".join(text.replace("\x00", "").split())


def message_ids(value: str) -> list[str]:
    """Every <id> in a Message-ID / In-Reply-To / References header, in order, without repeats."""
    seen: list[str] = []
    for mid in _MSGID.findall(value or ""):
        if mid not in seen:
            seen.append(mid[:300])
    if not seen and value.strip() and " " not in value.strip():
        seen.append(f"<{value.strip().strip('<>')}>"[:300])
    return seen


def _charset(part: Message) -> str:
    name = (part.get_content_charset() or "").lower().strip()
    name = _CHARSET_ALIASES.get(name, name)
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        # Windows-1252 is a superset of Latin-1 for printable text, and clients that claim
        # Latin-1 very often send 1252 curly quotes and euro signs.
        return "cp1252"
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name or "utf-8"


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = _charset(part)
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    if charset == "cp1252":
        # cp1252 leaves five bytes undefined: decode them as Latin-1 controls rather than U+FFFD.
        text = text.replace("\ufffd", "")
    return text.replace("\x00", "")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    return (name or "").strip()


def _parts(msg: Message):
    """Leaf parts in order; an attached message (message/rfc822) is one leaf, not opened."""
    if msg.get_content_type() == "message/rfc822" and msg.get_content_maintype() != "multipart":
        yield msg
        return
    if msg.is_multipart():
        for sub in msg.get_payload():
            if isinstance(sub, Message):
                yield from _parts(sub)
        return
    yield msg


def _walk(msg: Message, out: ParsedEmail, state: dict) -> None:
    for part in _parts(msg):
        ctype = (part.get_content_type() or "text/plain").lower()
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        is_text_body = ctype in ("text/plain", "text/html") and disposition != "attachment" and not name
        if is_text_body:
            text = _text_of(part)
            key = "text" if ctype == "text/plain" else "html"
            if not state.get(key):
                state[key] = text
            continue
        if ctype == "message/delivery-status" or ctype == "text/rfc822-headers":
            continue
        try:
            content = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001
            content = None
        if content is None:
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                content = inner[0].as_bytes()
            elif isinstance(inner, str):
                content = inner.encode("utf-8", "replace")
            else:
                content = b""
        if not name:
            ext = {"text/calendar": ".ics", "message/rfc822": ".eml"}.get(ctype, "")
            name = f"{'inline' if disposition == 'inline' else 'attachment'}-{len(out.attachments) + 1}{ext}"
        out.attachments.append(IncomingFile(filename=name, content_type=ctype, content=content))


def parse(raw: bytes) -> ParsedEmail:
    """Parse raw bytes; raises only if the bytes are not a message at all."""
    msg = message_from_bytes(raw, policy=policy.compat32)
    out = ParsedEmail()
    out.content_type = (msg.get_content_type() or "").lower()
    for key in ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "Return-Path",
                "X-Postventa-Loop", "List-Id", "X-Auto-Response-Suppress", "Content-Language"):  # fmt: skip
        value = _header(msg, key)
        if value:
            out.headers[key.lower()] = value
    ids = message_ids(_header(msg, "Message-ID"))
    out.message_id = ids[0] if ids else ""
    out.in_reply_to = message_ids(_header(msg, "In-Reply-To"))
    out.references = message_ids(_header(msg, "References"))
    out.subject = _header(msg, "Subject")[:300]
    raw_from = _header(msg, "From")
    name, address = parseaddr(raw_from)
    if not _ADDRESS.fullmatch(address or ""):
        found = _ADDRESS.search(raw_from)
        address = found.group(0) if found else ""
    out.from_address = address.strip().lower()[:254]
    out.from_name = " ".join(name.split())[:150]
    try:
        out.to = [a.lower() for _n, a in getaddresses([_header(msg, "To"), _header(msg, "Cc")]) if "@" in a]
    except Exception:  # noqa: BLE001
        out.to = []
    out.language = _header(msg, "Content-Language")[:8]
    state: dict[str, str] = {}
    _walk(msg, out, state)
    out.text = state.get("text", "")
    out.html = state.get("html", "")
    if not out.text.strip() and out.html:
        out.text = html_to_text(out.html)
        out.text_from_html = True
    return out
