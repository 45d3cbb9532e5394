"""Serving a stored attachment over HTTP, after the caller has checked who may read it."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound

# Types a browser may show in the page; everything else downloads. SVG and HTML are never inline:
# they can carry scripts.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def file_response(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound(_("That file does not exist."))
    response = FileResponse(
        handle,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
