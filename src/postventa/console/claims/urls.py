from django.urls import path

from postventa.console.claims import views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("new/", views.claim_new, name="claim_new"),
    path("report/claim-rate/", views.claim_rate, name="claim_rate"),
    path("<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("<int:claim_id>/<str:action>/", views.claim_action, name="claim_action"),
    path("<int:claim_id>/photos/<int:photo_id>/", views.claim_photo, name="claim_photo"),
]
