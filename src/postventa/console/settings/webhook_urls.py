"""Settings > Webhooks. Included by console/settings/urls.py under "webhooks/"."""

from django.urls import path

from postventa.console.settings import webhooks

urlpatterns = [
    path("", webhooks.webhook_list, name="webhook_list"),
    path("new/", webhooks.webhook_create, name="webhook_create"),
    path("<int:subscription_id>/", webhooks.webhook_detail, name="webhook_detail"),
    path("<int:subscription_id>/edit/", webhooks.webhook_edit, name="webhook_edit"),
    path("<int:subscription_id>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("<int:subscription_id>/rotate-secret/", webhooks.webhook_rotate, name="webhook_rotate"),
    path("<int:subscription_id>/test/", webhooks.webhook_test, name="webhook_test"),
    path(
        "<int:subscription_id>/deliveries/<int:delivery_id>/redeliver/",
        webhooks.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
