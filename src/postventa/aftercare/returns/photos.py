"""Photo uploads on a return: images only (checked by content, not by name), size-limited."""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

# Pillow format -> content type we store and serve.
ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def validate(files, *, max_mb: int, max_count: int) -> list[tuple[object, str]]:
    """[(upload, content_type)] for valid images; raises ValidationFailed naming the bad file."""
    from PIL import Image, UnidentifiedImageError

    files = [f for f in files if f]
    if len(files) > max_count:
        raise ValidationFailed(_("Attach at most %(n)s photos.") % {"n": max_count}, code="too_many_photos")
    out = []
    for upload in files:
        name = getattr(upload, "name", "") or _("photo")
        if upload.size > max_mb * 1024 * 1024:
            raise ValidationFailed(
                _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_mb}, code="photo_too_large"
            )
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            kind = None
        if kind not in ALLOWED:
            raise ValidationFailed(
                _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="photo_bad_type"
            )
        upload.seek(0)
        out.append((upload, ALLOWED[kind]))
    return out
