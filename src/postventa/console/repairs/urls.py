from django.urls import path

from postventa.console.repairs import views

urlpatterns = [
    path("", views.repair_list, name="repair_list"),
    path("new/", views.repair_create, name="repair_create"),
    path("spare-parts/", views.spare_part_list, name="spare_part_list"),
    path("spare-parts/new/", views.spare_part_create, name="spare_part_create"),
    path("spare-parts/<int:part_id>/stock/", views.spare_part_restock, name="spare_part_restock"),
    path("<int:repair_id>/", views.repair_detail, name="repair_detail"),
    path("<int:repair_id>/diagnosis/", views.repair_diagnose, name="repair_diagnose"),
    path("<int:repair_id>/quote/", views.repair_quote, name="repair_quote"),
    path("<int:repair_id>/quote/send/", views.repair_send_quote, name="repair_send_quote"),
    path("<int:repair_id>/quote/decision/", views.repair_decision, name="repair_decision"),
    path("<int:repair_id>/status/", views.repair_transition, name="repair_transition"),
    path("<int:repair_id>/parts/", views.repair_use_part, name="repair_use_part"),
    path("<int:repair_id>/technician/", views.repair_assign, name="repair_assign"),
    path("<int:repair_id>/complete/", views.repair_complete, name="repair_complete"),
    path("<int:repair_id>/photos/", views.repair_add_photos, name="repair_add_photos"),
    path("<int:repair_id>/photos/<int:photo_id>/", views.repair_photo, name="repair_photo"),
]
