from django.urls import path

from postventa.messaging.chat import views

urlpatterns = [
    path("demo/", views.demo, name="chat_demo"),
]
