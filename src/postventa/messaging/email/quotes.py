"""Removing quoted history from a reply, so the ticket shows what the customer just wrote.

Only the stored text and HTML are trimmed; the raw message keeps everything. Forwarded mail
is left whole: there the "quote" is the point of the message.
"""

from __future__ import annotations

import re

# "El lun, 3 nov 2025 a las 10:12, Ana <ana@x.es> escribió:" / "On Mon, 3 Nov 2025 at 10:12, X wrote:"
_ATTRIBUTION = re.compile(
    r"^\s*(On\s.{1,300}\swrote:|El\s.{1,300}\sescribi[óo]:|Le\s.{1,300}\sa\s[ée]crit\s?:|Am\s.{1,300}\sschrieb.{0,40}:)\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Mensaje original|Message d'origine|Urspr[üu]ngliche Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(From|De|Von)\s*:\*?\s+\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(Sent|Enviado|Date|Fecha|Envoyé|Gesendet|To|Para|Subject|Asunto)\s*:", re.IGNORECASE
)
_FORWARD = re.compile(
    r"(-{3,}\s*(Forwarded message|Mensaje reenviado|Begin forwarded message|Message transféré)|"
    r"^\s*(Begin forwarded message|Inicio del mensaje reenviado):)",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|rv|reenv(iar)?|tr)\s*:", re.IGNORECASE)
MARKER_LINE = re.compile(r"^\s*\[?ref:T\d+:[0-9a-f]{6,32}\]?\s*$", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")

_HTML_CUTS = (
    re.compile(r'<div[^>]*class="[^"]*gmail_quote', re.IGNORECASE),
    re.compile(r'<blockquote[^>]*type="cite"', re.IGNORECASE),
    re.compile(r'<div[^>]*id="(divRplyFwdMsg|appendonsend)"', re.IGNORECASE),
    re.compile(r'<hr[^>]*id="stopSpelling"', re.IGNORECASE),
    re.compile(r'<div[^>]*class="[^"]*(moz-cite-prefix|yahoo_quoted)', re.IGNORECASE),
    re.compile(r"-{3,}\s*(Original Message|Mensaje original)\s*-{3,}", re.IGNORECASE),
)


def is_forward(subject: str, text: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or "")) or bool(_FORWARD.search(text or ""))


def _cut_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line):
            return i
        # Attributions that the client wrapped over two lines.
        if (
            i + 1 < len(lines)
            and (line.strip().startswith(("On ", "El ")))
            and _ATTRIBUTION.match(f"{line.rstrip()} {lines[i + 1].strip()}")
        ):
            return i
        if _ORIGINAL.match(line):
            return i
        if _HEADER_FROM.match(line):
            following = [x for x in lines[i + 1 : i + 5] if x.strip()]
            if sum(1 for x in following if _HEADER_NEXT.match(x)) >= 2:
                start = i - 1 if i > 0 and _UNDERSCORES.match(lines[i - 1]) else i
                return start
    return None


def strip_text(text: str, *, subject: str = "") -> str:
    """The new part of a plain-text reply (falls back to the whole text if nothing would be left)."""
    if not text:
        return ""
    lines = [
        ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if not MARKER_LINE.match(ln)
    ]
    whole = "\n".join(lines).strip()
    if is_forward(subject, text):
        return whole
    cut = _cut_index(lines)
    if cut is not None:
        lines = lines[:cut]
    lines = [ln for ln in lines if not ln.lstrip().startswith(">")]
    result = "\n".join(lines).strip()
    return result or whole


def strip_html(html: str, *, subject: str = "", text: str = "") -> str:
    """The HTML before the first known quote container (nh3 later closes any tags left open)."""
    if not html or is_forward(subject, text):
        return html
    cut = len(html)
    for pattern in _HTML_CUTS:
        found = pattern.search(html)
        if found:
            cut = min(cut, found.start())
    head = html[:cut]
    # Keep the HTML only if something visible is left before the quote.
    if re.sub(r"<[^>]+>|&nbsp;|\s", "", head):
        return head
    return html
