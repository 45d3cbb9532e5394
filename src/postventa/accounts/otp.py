"""Optional two-factor sign-in with TOTP apps (django-otp), plus one-time backup codes.

A user enrols by scanning a QR code and confirming one code; from then on the console asks for a
6-digit code after the password. Only confirmed devices count.
"""

from __future__ import annotations

import io
import re

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from postventa.accounts.models import User
from postventa.core import audit
from postventa.core.errors import Conflict, ValidationFailed
from postventa.core.permissions import require

BACKUP_CODE_COUNT = 8
DEVICE_NAME = "Authenticator app"


def has_confirmed_device(user: User) -> bool:
    return user.is_authenticated and any(True for _d in devices_for_user(user, confirmed=True))


def has_confirmed_totp(user: User) -> bool:
    """One query, memoised on the user object: the console asks this on every page."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_pv_has_totp", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._pv_has_totp = cached
    return cached


def _clean_code(code: str) -> str:
    code = "".join((code or "").split())
    if not code or len(code) > 16 or not code.isalnum():
        raise ValidationFailed(
            _("Enter the 6-digit code from your authenticator app."), extra={"field": "code"}
        )
    return code


@transaction.atomic
def totp_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device (replacing any earlier unfinished one) to show as a QR code."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(_("Two-factor sign-in is already on. Turn it off first to enrol a new app."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm enrolment with one code; returns the device and new backup codes (shown once)."""
    code = _clean_code(code)
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise Conflict(_("Start the set-up again: there is no app waiting to be confirmed."))
    if not device.verify_token(code):
        raise ValidationFailed(_("That code is not correct. Check the time on your phone and try again."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit.record(actor=user, action="user.2fa_enabled", target=user, changes={"two_factor": [False, True]})
    return device, codes


def verify(*, user: User, code: str):
    """The confirmed device that accepts `code` (TOTP or a backup code, used up), or None."""
    try:
        code = _clean_code(code)
    except ValidationFailed:
        return None
    for device in devices_for_user(user, confirmed=True):
        # verify_token is throttled per device by django-otp after repeated failures.
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    """Turn two-factor sign-in off; needs a current code so a stolen session cannot do it."""
    if not has_confirmed_device(user):
        raise Conflict(_("Two-factor sign-in is not on."))
    if verify(user=user, code=code) is None:
        raise ValidationFailed(_("That code is not correct."), extra={"field": "code"})
    _remove_devices(user)
    audit.record(actor=user, action="user.2fa_disabled", target=user, changes={"two_factor": [True, False]})


@transaction.atomic
def totp_reset(*, acting_user: User, user: User) -> None:
    """An administrator removes a user's devices (a lost phone)."""
    require(acting_user, "users.manage")
    if not has_confirmed_device(user):
        return
    _remove_devices(user)
    audit.record(
        actor=acting_user, action="user.2fa_reset", target=user, changes={"two_factor": [True, False]}
    )


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image files, no JavaScript)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration so the markup can sit inside HTML.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    # A fixed pixel size: the library's millimetre size is too small to scan from a screen.
    svg = re.sub(r'width="[^"]+" height="[^"]+"', 'width="200" height="200" role="img"', svg, count=1)
    return svg.strip()
