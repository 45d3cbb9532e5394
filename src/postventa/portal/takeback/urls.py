from django.urls import path

from postventa.portal.takeback import views

urlpatterns = [
    path("", views.takeback_home, name="takeback"),
    path("new/", views.takeback_new, name="takeback_new"),
    path("<int:request_id>/", views.takeback_detail, name="takeback_detail"),
    path("<int:request_id>/cancel/", views.takeback_cancel, name="takeback_cancel"),
]
