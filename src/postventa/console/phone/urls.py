"""Phone: log a call. Included by console/urls.py under "phone/"."""

from django.urls import path

from postventa.console.phone import views

urlpatterns = [
    path("log/", views.call_log, name="phone_call_log"),
    path("lookup/", views.caller_lookup, name="phone_caller_lookup"),
    path("calls/", views.call_list, name="phone_call_list"),
]
