"""Settings > WhatsApp. Included by console/settings/urls.py under "whatsapp/"."""

from django.urls import path

from postventa.console.whatsapp import views

urlpatterns = [
    path("", views.whatsapp_settings, name="whatsapp_settings"),
    path("templates/new/", views.template_create, name="whatsapp_template_create"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="whatsapp_template_delete"),
    path("send/", views.template_pick, name="whatsapp_template_pick"),
    path("templates/<int:template_id>/send/", views.template_send, name="whatsapp_template_send"),
    path("inbound/", views.inbound_log, name="whatsapp_inbound"),
    path("inbound/<int:inbound_id>/", views.inbound_detail, name="whatsapp_inbound_detail"),
    path("inbound/<int:inbound_id>/retry/", views.inbound_retry, name="whatsapp_inbound_retry"),
]
