from django.urls import path

from postventa.portal.payment_plans import views

urlpatterns = [
    path("", views.plan_list, name="payment_plans"),
    path("<str:number>/", views.plan_detail, name="payment_plan_detail"),
]
