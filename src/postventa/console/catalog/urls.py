from django.urls import path

from postventa.console.catalog import views

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/<int:asset_id>/", views.asset_detail, name="asset_detail"),
]
