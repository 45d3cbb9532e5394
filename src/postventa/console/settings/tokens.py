"""Settings > API tokens: create (secret shown once), list with last use, revoke."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.accounts import selectors, tokens
from postventa.accounts.models import User
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError, ValidationFailed
from postventa.core.permissions import SCOPE_AREAS, can

EXPIRY_CHOICES = (("", _("Never")), ("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year")))


def _context(request, **extra) -> dict:
    manager = can(request.user, "users.manage")
    context = {
        "nav": "settings",
        "tokens": list(selectors.tokens_visible_to(request.user)[:500]),
        "areas": SCOPE_AREAS,
        "expiry_choices": EXPIRY_CHOICES,
        "is_manager": manager,
        "owners": list(User.objects.filter(is_active=True).only("id", "username")) if manager else [],
        "now": timezone.now(),
        "error": "",
        "values": {},
    }
    context.update(extra)
    return context


@staff_required("tokens.manage")
def token_list(request):
    if request.method == "POST":
        post = request.POST
        try:
            owner = request.user
            owner_id = post.get("owner")
            if owner_id and owner_id != str(request.user.pk):
                owner = User.objects.filter(
                    pk=int(owner_id) if owner_id.isdigit() else 0, is_active=True
                ).first()
                if owner is None:
                    raise ValidationFailed(_("Choose an active user to own the token."))
            expires_at = None
            days = post.get("expires_in_days", "")
            if days:
                if days not in {value for value, _label in EXPIRY_CHOICES}:
                    raise ValidationFailed(_("Choose an expiry from the list."))
                expires_at = timezone.now() + timedelta(days=int(days))
            token, secret = tokens.token_create(
                acting_user=request.user,
                owner=owner,
                name=post.get("name", ""),
                scopes=post.getlist("scopes"),
                expires_at=expires_at,
            )
        except ApplicationError as exc:
            return render_page(
                request,
                "console/settings/tokens.html",
                _context(request, error=exc.message, values=post),
                status=400,
            )
        # The secret is rendered in this response only; it is never stored or shown again.
        return render_page(
            request, "console/settings/tokens.html", _context(request, new_token=token, secret=secret)
        )
    return render_page(request, "console/settings/tokens.html", _context(request))


@staff_required("tokens.manage")
@require_POST
def token_revoke(request, token_id: int):
    try:
        tokens.token_revoke(acting_user=request.user, token_id=token_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token revoked. Calls with it are refused from now on."))
    return redirect("console:settings_tokens")
