from django.urls import path

from postventa.portal.repairs import views

urlpatterns = [
    path("", views.repair_list, name="repairs"),
    path("<str:number>/", views.repair_detail, name="repair_detail"),
    path("<str:number>/photos/<int:photo_id>/", views.repair_photo, name="repair_photo"),
    path("<str:number>/quote/<str:token>/", views.quote_decision, name="repair_quote"),
]
