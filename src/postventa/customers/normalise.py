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
