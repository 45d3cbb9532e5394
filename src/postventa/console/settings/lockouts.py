"""Sign-in lockouts from django-axes, and unlocking them (audited)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.accounts import selectors, services
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError


@staff_required("users.manage")
def lockout_list(request):
    context = {
        "nav": "settings",
        "lockouts": selectors.current_lockouts(),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render_page(request, "console/settings/lockouts.html", context)


@staff_required("users.manage")
@require_POST
def lockout_reset(request, attempt_id: int):
    try:
        services.lockout_reset(acting_user=request.user, attempt_id=attempt_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unlocked. The user can sign in again."))
    return redirect("console:settings_lockouts")
