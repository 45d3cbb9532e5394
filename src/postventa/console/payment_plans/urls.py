from django.urls import path

from postventa.console.payment_plans import views

urlpatterns = [
    path("", views.plan_list, name="payment_plan_list"),
    path("new/", views.plan_create, name="payment_plan_create"),
    path("<int:plan_id>/", views.plan_detail, name="payment_plan_detail"),
    path("<int:plan_id>/instalments/<int:sequence>/pay/", views.plan_pay, name="payment_plan_pay"),
    path("<int:plan_id>/cancel/", views.plan_cancel, name="payment_plan_cancel"),
]
