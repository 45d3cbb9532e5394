"""Photos of a claimed defect: checked (count, size, real image type) before anything is written.

The type comes from the file's first bytes, not from its name or the browser's claim, so a
renamed script is refused. Limits are settings: CLAIMS_PHOTO_MAX_BYTES, CLAIMS_MAX_PHOTOS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def max_bytes() -> int:
    return int(getattr(settings, "CLAIMS_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def max_photos() -> int:
    return int(getattr(settings, "CLAIMS_MAX_PHOTOS", 6))


@dataclass(frozen=True)
class CheckedPhoto:
    filename: str
    content_type: str
    size: int
    content: bytes


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def _read(item: Any) -> tuple[str, bytes]:
    """(name, bytes) of an UploadedFile, a (name, bytes) pair or a ContentFile."""
    if isinstance(item, tuple) and len(item) == 2:
        name, data = item
        return str(name), bytes(data)
    name = getattr(item, "name", "") or "photo"
    size = getattr(item, "size", None)
    if size is not None and int(size) > max_bytes():
        # Refuse before reading a huge upload into memory.
        raise _too_big(name)
    try:
        if hasattr(item, "seek"):
            item.seek(0)
        data = item.read()
    except (OSError, ValueError):
        raise ValidationFailed(
            _("The photo %(name)s could not be read.") % {"name": name[:80]}, code="photo_invalid"
        )
    return name, data


def _too_big(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("The photo %(name)s is too large: the limit is %(mb)s MB per photo.")
        % {"name": name[:80], "mb": round(max_bytes() / (1024 * 1024), 1)},
        code="photo_too_large",
    )


def check_all(items: Any) -> list[CheckedPhoto]:
    """Validate every photo first, so one bad file rejects the whole claim and nothing is stored."""
    items = list(items or [])
    if len(items) > max_photos():
        raise ValidationFailed(
            _("At most %(n)s photos can be attached to a claim.") % {"n": max_photos()},
            code="too_many_photos",
        )
    out = []
    for item in items:
        name, data = _read(item)
        if not data:
            raise ValidationFailed(
                _("The photo %(name)s is empty.") % {"name": name[:80]}, code="photo_empty"
            )
        if len(data) > max_bytes():
            raise _too_big(name)
        ctype = sniff(data[:16])
        if ctype is None:
            raise ValidationFailed(
                _("%(name)s is not a photo: send JPEG, PNG, WebP or GIF images.") % {"name": name[:80]},
                code="photo_bad_type",
            )
        stem = get_valid_filename(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])[:80] or "photo"
        out.append(CheckedPhoto(f"{stem}.{EXTENSIONS[ctype]}", ctype, len(data), data))
    return out


def store(claim, photos: list[CheckedPhoto], *, by_customer: bool, now) -> list:
    from postventa.aftercare.claims.models import ClaimPhoto

    rows = []
    for photo in photos:
        row = ClaimPhoto(
            claim=claim, filename=photo.filename, content_type=photo.content_type, size=photo.size,
            uploaded_by_customer=by_customer, created_at=now,
        )  # fmt: skip
        row.file.save(photo.filename, ContentFile(photo.content), save=False)
        row.save()
        rows.append(row)
    return rows
