"""The project's URLs with Settings > Webhooks mounted, whether or not settings/urls.py includes it yet."""

from django.urls import include, path

from postventa import urls as project_urls
from postventa.console import urls as console_urls

console_patterns = (
    [
        path("settings/webhooks/", include("postventa.console.settings.webhook_urls")),
        *console_urls.urlpatterns,
    ],
    "console",
)

urlpatterns = [
    path("console/", include(console_patterns)),
    *[p for p in project_urls.urlpatterns if str(p.pattern) != "console/"],
]
