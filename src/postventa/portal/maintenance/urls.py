from django.urls import path

from postventa.portal.maintenance import views

urlpatterns = [
    path("", views.maintenance_home, name="maintenance"),
    path("book/<int:asset_id>/", views.book, name="maintenance_book"),
    path("visits/<int:visit_id>/cancel/", views.cancel, name="maintenance_visit_cancel"),
    path("link/<str:token>/", views.book_from_link, name="maintenance_book_link"),
]
