"""Helpers every console view uses: staff login, permission checks, HTMX partials, service errors."""

from __future__ import annotations

import logging
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from postventa.core.permissions import can

logger = logging.getLogger(__name__)


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


def rendered_panels(request, panels: list[dict], **context) -> list[dict]:
    """Render registered panels (customer 360, asset, product) to HTML, each with `context`.

    One app's broken panel must not take the whole page down: it is logged and says so in place.
    """
    out = []
    for panel in panels:
        try:
            html = render_to_string(
                panel["template_name"], {**panel["context"], **context, "panel": panel}, request=request
            )
        except Exception:
            logger.exception("panel %r failed", panel["key"])
            html = format_html('<p class="alert error">{}</p>', _("This section could not be loaded."))
        out.append({**panel, "html": mark_safe(html)})  # noqa: S308 (rendered by our template engine)
    return out
