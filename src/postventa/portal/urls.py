from django.urls import include, path

from postventa.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("track/", include("postventa.portal.tracking.urls")),
    path("help/", include("postventa.portal.helpdesk.urls")),
    path("chat/", include("postventa.messaging.chat.urls")),
    path("products/", include("postventa.portal.products.urls")),
    path("claims/", include("postventa.portal.claims.urls")),
    path("returns/", include("postventa.portal.returns.urls")),
    path("repairs/", include("postventa.portal.repairs.urls")),
    path("plans/", include("postventa.portal.payment_plans.urls")),
    path("takeback/", include("postventa.portal.takeback.urls")),
    path("maintenance/", include("postventa.portal.maintenance.urls")),
]
