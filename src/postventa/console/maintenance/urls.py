from django.urls import path

from postventa.console.placeholder import pending

urlpatterns = [
    path("", pending, name="maintenance_plan_list"),
    path("notices/", pending, name="owner_notice_list"),
]
