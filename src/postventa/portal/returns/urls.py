from django.urls import path

from postventa.portal.returns import views

urlpatterns = [
    path("", views.returns_home, name="returns"),
    path("find/", views.guest_lookup, name="return_lookup"),
    path("order/<str:number>/", views.return_new, name="return_new"),
    path("rma/<str:number>/", views.return_detail, name="return_detail"),
    path("rma/<str:number>/label.pdf", views.return_label, name="return_label"),
    path("rma/<str:number>/photos/<int:photo_id>/", views.return_photo, name="return_photo"),
    path("link/<str:token>/", views.return_link, name="return_link"),
    path("link/<str:token>/label.pdf", views.return_label_link, name="return_label_link"),
]
