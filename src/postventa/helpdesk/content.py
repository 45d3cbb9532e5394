"""Message content rules: HTML sanitising, plain text, @mentions, and attachment limits."""

from __future__ import annotations

import html as html_lib
import mimetypes
import os
import re
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

MAX_BODY_CHARS = 200_000
MAX_ATTACHMENTS_PER_MESSAGE = 20

DEFAULT_ALLOWED_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "video/mp4",
    "video/quicktime",
    "audio/mpeg",
    "audio/ogg",
    "message/rfc822",
)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")
_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HELPDESK_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))


def allowed_content_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "HELPDESK_ALLOWED_ATTACHMENT_TYPES", DEFAULT_ALLOWED_TYPES))


def sanitise_html(value: str) -> str:
    """Safe HTML to show inside the console: no scripts, styles, event handlers or foreign schemes."""
    if not value:
        return ""
    return nh3.clean(
        value.replace("\x00", ""),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def html_to_text(value: str) -> str:
    """Readable plain text from HTML: line breaks kept at block ends, tags dropped, entities decoded."""
    if not value:
        return ""
    marked = _BLOCK_END.sub("\n", value)
    stripped = nh3.clean(marked, tags=set(), attributes={})
    text = html_lib.unescape(stripped)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_body(body_text: str, body_html: str = "") -> tuple[str, str]:
    """(text, sanitised html) of a message; the text is derived from the HTML when missing."""
    text = (body_text or "").replace("\x00", "").strip()
    safe_html = sanitise_html(body_html or "")
    if not text and safe_html:
        text = html_to_text(safe_html)
    if len(text) > MAX_BODY_CHARS or len(safe_html) > MAX_BODY_CHARS * 2:
        raise ValidationFailed(_("The message is too long."), code="body_too_long")
    return text, safe_html


def parse_mentions(text: str) -> list[str]:
    """Usernames written as @username, in order, without repeats."""
    seen: list[str] = []
    for name in _MENTION.findall(text or ""):
        name = name.rstrip(".")
        if name and name.lower() not in [s.lower() for s in seen]:
            seen.append(name)
    return seen


@dataclass(frozen=True)
class IncomingFile:
    """A file a channel received (an email part, a WhatsApp media download, a form upload)."""

    filename: str
    content_type: str
    content: bytes


def normalise_upload(filename: str, content_type: str, size: int) -> tuple[str, str]:
    """(safe file name, content type) for an upload; raises ValidationFailed past the limits."""
    name = os.path.basename((filename or "").replace("\\", "/")).replace("\x00", "").strip()[:200] or "file"
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if not ctype or ctype == "application/octet-stream":
        ctype = (mimetypes.guess_type(name)[0] or "application/octet-stream").lower()
    if size <= 0:
        raise ValidationFailed(_("The file “%(name)s” is empty.") % {"name": name}, code="attachment_empty")
    limit = max_attachment_bytes()
    if size > limit:
        raise ValidationFailed(
            _("The file “%(name)s” is too large: the limit is %(mb)s MB.")
            % {"name": name, "mb": round(limit / (1024 * 1024), 1)},
            code="attachment_too_large",
        )
    if ctype not in allowed_content_types():
        raise ValidationFailed(
            _("Files of type %(type)s cannot be attached.") % {"type": ctype}, code="attachment_type"
        )
    return name, ctype
