from django.urls import path

from postventa.portal.products import views

urlpatterns = [
    path("", views.product_list, name="products"),
    path("register/", views.register, name="product_register"),
    path("terms/<int:version_id>/", views.terms, name="product_terms"),
]
