from django.urls import path

from postventa.console.chat import views

urlpatterns = [
    path("", views.live_chats, name="chat_live"),
    path("<int:session_id>/", views.conversation, name="chat_conversation"),
    path("widgets/", views.widget_list, name="chat_widgets"),
    path("widgets/new/", views.widget_edit, name="chat_widget_create"),
    path("widgets/<int:widget_id>/", views.widget_edit, name="chat_widget_edit"),
]
