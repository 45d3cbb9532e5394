from django.urls import path

from postventa.console.orders import views

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("import/", views.order_import, name="order_import"),
    path("import/<int:job_id>/", views.order_import_job, name="order_import_job"),
    path("<int:order_id>/", views.order_detail, name="order_detail"),
    path("<int:order_id>/status/", views.order_status, name="order_status"),
    path("<int:order_id>/shipments/", views.order_shipment_create, name="order_shipment_create"),
]
