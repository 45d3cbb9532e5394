"""Staff sign-in and profile."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from postventa.console.mixins import render_page, staff_required


class StaffLoginView(auth_views.LoginView):
    template_name = "console/auth/login.html"
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    pass


@staff_required()
def profile(request):
    return render_page(request, "console/auth/profile.html", {"nav": "profile"})
