from django.urls import path

from postventa.portal.helpdesk import views

urlpatterns = [
    path("", views.ticket_list, name="help_tickets"),
    path("login/", views.login_request, name="help_login"),
    path("login/<str:token>/", views.login_link, name="help_login_link"),
    path("logout/", views.logout, name="help_logout"),
    path("new/", views.ticket_new, name="help_new"),
    path("tickets/<int:number>/", views.ticket_detail, name="help_ticket"),
    path("files/<int:attachment_id>/", views.attachment_download, name="help_file"),
]
