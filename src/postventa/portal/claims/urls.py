from django.urls import path

from postventa.portal.claims import views

urlpatterns = [
    path("", views.claim_list, name="claims"),
    path("new/", views.claim_new, name="claim_new"),
    path("<str:number>/", views.claim_detail, name="claim_detail"),
    path("<str:number>/photos/<int:photo_id>/", views.claim_photo, name="claim_photo"),
]
