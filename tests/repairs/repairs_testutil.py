"""Helpers shared by the repairs tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

import datetime as dt
import re

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(name: str = "front.png", data: bytes = PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def link_from(message) -> str:
    """The quote approval path in an email's text part."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^\s]+/repairs/[^\s]+/quote/[^\s]+/", body)
    assert match, body
    return "/" + match.group(0).split("/", 3)[3]
