from django.urls import path

from postventa.console.takeback import views

urlpatterns = [
    path("", views.request_list, name="takeback_list"),
    path("new/", views.request_new, name="takeback_new"),
    path("<int:request_id>/", views.request_detail, name="takeback_detail"),
    path("<int:request_id>/status/", views.request_transition, name="takeback_transition"),
    path("instructions/", views.instruction_list, name="takeback_instructions"),
    path("instructions/<int:category_id>/", views.instruction_edit, name="takeback_instruction_edit"),
]
