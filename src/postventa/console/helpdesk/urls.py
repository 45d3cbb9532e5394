from django.urls import path

from postventa.console.helpdesk import actions, views

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", actions.ticket_new, name="ticket_new"),
    path("bulk/", actions.ticket_bulk, name="ticket_bulk"),
    path("views/", actions.view_save, name="ticket_view_save"),
    path("views/<int:view_id>/delete/", actions.view_delete, name="ticket_view_delete"),
    path("files/<int:attachment_id>/", views.attachment_download, name="ticket_attachment"),
    path("<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("<int:ticket_id>/earlier/", views.ticket_earlier, name="ticket_earlier"),
    path("<int:ticket_id>/presence/", views.ticket_presence, name="ticket_presence"),
    path("<int:ticket_id>/messages/", actions.ticket_message, name="ticket_message"),
    path("<int:ticket_id>/fields/", actions.ticket_fields, name="ticket_fields"),
    path("<int:ticket_id>/claim/", actions.ticket_claim, name="ticket_claim"),
    path("<int:ticket_id>/merge/", actions.ticket_merge, name="ticket_merge"),
    path("<int:ticket_id>/problem/", actions.ticket_problem, name="ticket_problem"),
    path("<int:ticket_id>/split/<int:message_id>/", actions.ticket_split, name="ticket_split"),
]
