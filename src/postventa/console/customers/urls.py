from django.urls import path

from postventa.console.placeholder import pending

urlpatterns = [
    path("", pending, name="customer_list"),
    path("segments/", pending, name="segment_list"),
]
