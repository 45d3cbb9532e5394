from django.urls import path

from postventa.console.search import views

urlpatterns = [path("", views.search_results, name="search")]
