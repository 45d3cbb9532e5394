from django.urls import path

from postventa.console.sla import views

urlpatterns = [
    path("", views.policy_list, name="settings_sla_policies"),
    path("new/", views.policy_edit, name="settings_sla_policy_create"),
    path("<int:policy_id>/", views.policy_edit, name="settings_sla_policy_edit"),
    path("<int:policy_id>/delete/", views.policy_delete, name="settings_sla_policy_delete"),
]
