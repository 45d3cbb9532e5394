from django.urls import path

from postventa.console.placeholder import pending

urlpatterns = [
    path("", pending, name="order_list"),
    path("import/", pending, name="order_import"),
]
