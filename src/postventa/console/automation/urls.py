"""Settings > Routing, Macros, Triggers, Automations (mounted under /console/settings/automation/)."""

from django.urls import path

from postventa.console.automation import views

urlpatterns = [
    path("routing/", views.routing, name="automation_routing"),
    path("routing/<int:rule_id>/", views.routing, name="automation_routing_edit"),
    path("routing/<int:rule_id>/delete/", views.routing_delete, name="automation_routing_delete"),
    path("routing/teams/<int:team_id>/mode/", views.assignment_mode, name="automation_assignment_mode"),
    path("macros/", views.macros, name="automation_macros"),
    path("macros/<int:macro_id>/", views.macros, name="automation_macro_edit"),
    path("macros/<int:macro_id>/delete/", views.macro_delete, name="automation_macro_delete"),
    path("macros/picker/<int:ticket_id>/", views.macro_picker, name="automation_macro_picker"),
    path("triggers/", views.triggers, name="automation_triggers"),
    path("triggers/<int:trigger_id>/", views.triggers, name="automation_trigger_edit"),
    path("triggers/<int:trigger_id>/delete/", views.trigger_delete, name="automation_trigger_delete"),
    path("automations/", views.automations, name="automation_automations"),
    path("automations/<int:automation_id>/", views.automations, name="automation_automation_edit"),
    path(
        "automations/<int:automation_id>/delete/",
        views.automation_delete,
        name="automation_automation_delete",
    ),
]
