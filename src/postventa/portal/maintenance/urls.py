from django.urls import path

from postventa.console.placeholder import pending

urlpatterns = [
    path("", pending, name="maintenance"),
]
