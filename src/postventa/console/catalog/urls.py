from django.urls import path

from postventa.console.placeholder import pending

urlpatterns = [
    path("products/", pending, name="product_list"),
    path("assets/", pending, name="asset_list"),
]
