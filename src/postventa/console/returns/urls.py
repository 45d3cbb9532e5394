from django.urls import path

from postventa.console.returns import settings_views, views

urlpatterns = [
    path("", views.return_list, name="return_list"),
    path("new/", views.return_create, name="return_create"),
    path("refunds/", views.refund_list, name="refund_list"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("<int:pk>/transition/", views.return_transition, name="return_transition"),
    path("<int:pk>/inspect/", views.return_inspect, name="return_inspect"),
    path("<int:pk>/refund/", views.return_refund, name="return_refund"),
    path("<int:pk>/exchange/", views.return_exchange, name="return_exchange"),
    path("<int:pk>/label.pdf", views.return_label, name="return_label"),
    path("<int:pk>/photos/<int:photo_id>/", views.return_photo, name="return_photo"),
    path("store-credit/<int:customer_id>/", views.store_credit_add, name="store_credit_add"),
    path("settings/", settings_views.policy_settings, name="return_settings"),
    path("settings/rules/", settings_views.rule_save, name="return_rule_save"),
    path("settings/rules/<int:rule_id>/delete/", settings_views.rule_delete, name="return_rule_delete"),
    path("settings/reasons/", settings_views.reason_save, name="return_reason_save"),
]
