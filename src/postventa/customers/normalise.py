"""Normalising contact data so that the same email or phone always looks the same.

Phones: deliberately simple (no libphonenumber): strip spaces, dashes, dots and brackets;
"00" becomes "+"; a bare 9-digit number is Spanish and gets +34.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

DEFAULT_COUNTRY_PREFIX = "+34"
_PHONE_JUNK = re.compile(r"[\s\-./()]")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def normalise_email(value: str) -> str:
    """Lower-cased, trimmed, validated email; raises ValidationFailed."""
    email = (value or "").strip().lower()
    if not email:
        raise ValidationFailed(_("Enter an email address."), code="email_missing")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            _("“%(email)s” is not a valid email address.") % {"email": value}, code="email_invalid"
        )
    return email


def normalise_phone(value: str) -> str:
    """The number in E.164 (+34600111222); raises ValidationFailed when it cannot be one."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed(_("Enter a phone number."), code="phone_missing")
    number = _PHONE_JUNK.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif re.fullmatch(r"\d{9}", number):
        number = DEFAULT_COUNTRY_PREFIX + number
    if not _E164.match(number):
        raise ValidationFailed(
            _("“%(phone)s” is not a valid phone number; use 9 digits or an international number (+…).")
            % {"phone": value},
            code="phone_invalid",
        )
    return number


def try_normalise_phone(value: str) -> str | None:
    """Like normalise_phone, but None instead of an error (for searching)."""
    try:
        return normalise_phone(value)
    except ValidationFailed:
        return None


MAX_PK = 2**63 - 1


def has_nul(value) -> bool:
    """True if a NUL character hides anywhere in value (PostgreSQL refuses it in text and jsonb)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def reject_nul(*values) -> None:
    if any(has_nul(v) for v in values):
        raise ValidationFailed(
            _("The text contains a NUL character, which is not allowed."), code="nul_character"
        )


def as_pk(value) -> int | None:
    """A database id from user input, or None when it cannot be one (not a number, out of range)."""
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk <= MAX_PK else None
