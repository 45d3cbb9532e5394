"""Helpers every console view uses: staff login, permission checks, HTMX partials, service errors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import render

from postventa.core.permissions import can


def needs_otp_step(request) -> bool:
    """A user with a confirmed 2FA device who has not yet entered a code is not fully signed in."""
    from postventa.accounts.otp import has_confirmed_totp

    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return has_confirmed_totp(user)


def staff_required(permission: str | None = None):
    """Require a signed-in active staff user (and `permission`, if given)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_active:
                return redirect_to_login(request.get_full_path())
            if needs_otp_step(request):
                return redirect_to_login(request.get_full_path(), login_url="console:login_otp")
            if permission and not can(user, permission):
                raise DjangoPermissionDenied(permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """Render the full page, or only `partial` when HTMX asks for a fragment (not a boosted nav)."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, partial, context, status=status)
    return render(request, template, context, status=status)


def flash_error(request, exc) -> None:
    messages.error(request, getattr(exc, "message", str(exc)))
