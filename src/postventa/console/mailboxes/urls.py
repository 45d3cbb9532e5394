from django.urls import path

from postventa.console.mailboxes import views

urlpatterns = [
    path("", views.mailbox_list, name="mailboxes"),
    path("new/", views.mailbox_edit, name="mailbox_create"),
    path("<int:mailbox_id>/", views.mailbox_edit, name="mailbox_edit"),
    path("<int:mailbox_id>/test/", views.mailbox_test, name="mailbox_test"),
    path("inbound/", views.inbound_list, name="mail_inbound"),
    path("inbound/<int:inbound_id>/retry/", views.inbound_retry, name="mail_inbound_retry"),
]
