from django.urls import path

from postventa.portal.tracking import views

urlpatterns = [
    path("", views.track, name="tracking"),
    path("o/<str:token>/", views.track_link, name="tracking_link"),
]
