from django.urls import path

from postventa.console.dashboard import views

urlpatterns = [path("", views.dashboard, name="dashboard")]
