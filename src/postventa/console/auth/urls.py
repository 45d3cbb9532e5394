from django.urls import path

from postventa.console.auth import views

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/code/", views.login_otp, name="login_otp"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/preferences/", views.profile_preferences, name="profile_preferences"),
    path("profile/password/", views.profile_password, name="profile_password"),
    path("profile/2fa/start/", views.two_factor_start, name="two_factor_start"),
    path("profile/2fa/confirm/", views.two_factor_confirm, name="two_factor_confirm"),
    path("profile/2fa/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("availability/", views.set_availability, name="availability"),
]
