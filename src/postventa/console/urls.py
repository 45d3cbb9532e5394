"""Staff console. Each domain is a sub-package with its own urls.py and views.py."""

from django.urls import include, path

app_name = "console"

urlpatterns = [
    path("", include("postventa.console.dashboard.urls")),
    path("", include("postventa.console.auth.urls")),
    path("customers/", include("postventa.console.customers.urls")),
    path("catalog/", include("postventa.console.catalog.urls")),
    path("orders/", include("postventa.console.orders.urls")),
    path("tickets/", include("postventa.console.helpdesk.urls")),
    path("settings/sla/", include("postventa.console.sla.urls")),
    path("settings/mailboxes/", include("postventa.console.mailboxes.urls")),
    path("settings/", include("postventa.console.settings.urls")),
    path("chat/", include("postventa.console.chat.urls")),
    path("phone/", include("postventa.console.phone.urls")),
    path("search/", include("postventa.console.search.urls")),
    path("warranties/", include("postventa.console.warranties.urls")),
    path("claims/", include("postventa.console.claims.urls")),
    path("returns/", include("postventa.console.returns.urls")),
    path("repairs/", include("postventa.console.repairs.urls")),
    path("payment-plans/", include("postventa.console.payment_plans.urls")),
    path("maintenance/", include("postventa.console.maintenance.urls")),
    path("takeback/", include("postventa.console.takeback.urls")),
]
