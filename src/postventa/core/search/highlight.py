"""Highlighting: <mark> around matching words, everything else HTML-escaped, cut to a window."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from postventa.core.search.text import WORD

SNIPPET_CHARS = 180


def highlight(text: str, matches: Callable[[str], bool], *, window: int | None = None) -> SafeString:
    """Escape `text`, marking matching words. With `window`, keep ~window chars around the first hit."""
    text = text or ""
    spans = [(m.start(), m.end()) for m in WORD.finditer(text) if matches(m.group())]
    start, end = 0, len(text)
    if window is not None and len(text) > window:
        first = spans[0][0] if spans else 0
        start = max(0, first - window // 3)
        end = min(len(text), start + window)
        # Cut on spaces so no word is shown half.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > (spans[0][1] if spans else start) else end
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
