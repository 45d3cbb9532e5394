"""Staff sign-in (password, then a 2FA code when the user has an app), profile and availability."""

from __future__ import annotations

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from postventa.accounts import otp, services
from postventa.accounts.models import Availability
from postventa.console.mixins import needs_otp_step, render_page, staff_required
from postventa.core.errors import ApplicationError


def _safe_next(request, fallback: str | None = None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_language(response, language: str):
    """Remember the user's language in the cookie Django's LocaleMiddleware reads."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


class StaffLoginView(auth_views.LoginView):
    template_name = "console/auth/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if otp.has_confirmed_totp(user):
            # Signed in with the password only: every console page sends the user to the code step.
            step = reverse("console:login_otp")
            response = HttpResponseRedirect(f"{step}?{urlencode({'next': self.get_success_url()})}")
        return _with_language(response, user.language)


class StaffLogoutView(auth_views.LogoutView):
    pass


def login_otp(request):
    """Second sign-in step: the 6-digit code from the user's authenticator app (or a backup code)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return redirect(settings.LOGIN_URL)
    next_url = _safe_next(request)
    if not needs_otp_step(request):
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        device = otp.verify(user=user, code=request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        error = _("That code is not correct. Check the time on your phone and try again.")
    status = 200 if not error else 400
    return render(request, "console/auth/login_otp.html", {"next": next_url, "error": error}, status=status)


def _profile_context(request, **extra) -> dict:
    user = request.user
    context = {
        "nav": "profile",
        "two_factor_on": otp.has_confirmed_device(user),
        "pending": None,
        "time_zones": sorted(zoneinfo.available_timezones()),
        "languages": [("es", "Español"), ("en", "English")],
        "errors": {},
    }
    pending = otp.pending_device(user) if not context["two_factor_on"] else None
    if pending is not None:
        context["pending"] = pending
        context["otp_uri"] = pending.config_url
        context["otp_qr"] = otp.qr_svg(pending.config_url)
    context.update(extra)
    return context


@staff_required()
def profile(request):
    return render_page(request, "console/auth/profile.html", _profile_context(request))


def _field_errors(exc: ApplicationError) -> dict:
    return {exc.extra.get("field") or "form": exc.message}


@staff_required()
@require_POST
def profile_preferences(request):
    try:
        user = services.user_set_preferences(
            acting_user=request.user,
            language=request.POST.get("language", ""),
            time_zone=request.POST.get("time_zone", ""),
        )
    except ApplicationError as exc:
        context = _profile_context(request, errors=_field_errors(exc))
        return render_page(request, "console/auth/profile.html", context, status=400)
    translation.activate(user.language)
    messages.success(request, _("Your preferences are saved."))
    return _with_language(redirect("console:profile"), user.language)


@staff_required()
@require_POST
def profile_password(request):
    new, again = request.POST.get("new_password", ""), request.POST.get("new_password_again", "")
    try:
        if new != again:
            from postventa.core.errors import ValidationFailed

            raise ValidationFailed(
                _("The two new passwords do not match."), extra={"field": "new_password_again"}
            )
        user = services.user_set_password(
            acting_user=request.user, password=new, current_password=request.POST.get("current_password", "")
        )
    except ApplicationError as exc:
        context = _profile_context(request, errors=_field_errors(exc))
        return render_page(request, "console/auth/profile.html", context, status=400)
    # Keep this session signed in; other sessions of the user end with the old password hash.
    update_session_auth_hash(request, user)
    messages.success(request, _("Your password is changed."))
    return redirect("console:profile")


@staff_required()
@require_POST
def two_factor_start(request):
    try:
        otp.totp_start(user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("console:profile") + "#two-factor")


@staff_required()
@require_POST
def two_factor_confirm(request):
    try:
        device, codes = otp.totp_confirm(user=request.user, code=request.POST.get("code", ""))
    except ApplicationError as exc:
        context = _profile_context(request, errors={"otp_code": exc.message})
        return render_page(request, "console/auth/profile.html", context, status=400)
    # The code just typed proves the second factor for this session too.
    otp_login(request, device)
    messages.success(request, _("Two-factor sign-in is on."))
    return render_page(request, "console/auth/profile.html", _profile_context(request, backup_codes=codes))


@staff_required()
@require_POST
def two_factor_disable(request):
    try:
        otp.totp_disable(user=request.user, code=request.POST.get("code", ""))
    except ApplicationError as exc:
        context = _profile_context(request, errors={"disable_code": exc.message})
        return render_page(request, "console/auth/profile.html", context, status=400)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("console:profile")


@staff_required()
@require_POST
def set_availability(request):
    """The top bar's status control: HTMX swaps the control; without JS we go back to the page."""
    try:
        services.user_set_availability(
            acting_user=request.user, availability=request.POST.get("availability", "")
        )
    except ApplicationError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
    if request.htmx:
        return render(
            request, "console/auth/_availability.html", {"availability_choices": Availability.choices}
        )
    return redirect(_safe_next(request, fallback=reverse("console:dashboard")))
