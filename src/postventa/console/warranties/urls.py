from django.urls import path

from postventa.console.warranties import views

urlpatterns = [
    path("", views.coverage_lookup, name="coverage_lookup"),
    path("terms/", views.terms_list, name="warranty_terms"),
    path("terms/new/", views.terms_create, name="warranty_terms_create"),
    path("terms/<int:terms_id>/", views.terms_detail, name="warranty_terms_detail"),
    path("terms/<int:terms_id>/draft/", views.terms_version_save, name="warranty_terms_draft"),
    path(
        "terms/<int:terms_id>/versions/<int:version_id>/publish/",
        views.terms_version_publish,
        name="warranty_terms_publish",
    ),
    path("plans/", views.plan_list, name="warranty_plans"),
    path("plans/<int:plan_id>/toggle/", views.plan_toggle, name="warranty_plan_toggle"),
    path("rules/", views.rules, name="warranty_rules"),
    path("assets/<int:asset_id>/extended/", views.extended_sell, name="warranty_extended_sell"),
]
