from django.urls import include, path

from postventa.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("track/", include("postventa.portal.tracking.urls")),
    path("help/", include("postventa.portal.helpdesk.urls")),
    path("chat/", include("postventa.messaging.chat.urls")),
]
