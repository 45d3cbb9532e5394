from django.urls import path

from postventa.console.maintenance import notice_views, views

urlpatterns = [
    path("", views.plan_list, name="maintenance_plan_list"),
    path("products/<int:product_id>/", views.plan_detail, name="maintenance_plan_detail"),
    path("products/<int:product_id>/save/", views.plan_save, name="maintenance_plan_save"),
    path("products/<int:product_id>/items/", views.plan_item, name="maintenance_plan_item"),
    path("reminders/", views.reminder_list, name="maintenance_reminder_list"),
    path("visits/", views.visit_list, name="maintenance_visit_list"),
    path("visits/book/", views.visit_book, name="maintenance_visit_book"),
    path("visits/<int:visit_id>/", views.visit_detail, name="maintenance_visit_detail"),
    path("visits/<int:visit_id>/action/", views.visit_action, name="maintenance_visit_action"),
    path("notices/", notice_views.notice_list, name="owner_notice_list"),
    path("notices/new/", notice_views.notice_new, name="owner_notice_new"),
    path("notices/<int:notice_id>/", notice_views.notice_detail, name="owner_notice_detail"),
]
