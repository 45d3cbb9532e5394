from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "postventa.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from postventa.core.registry import register_gdpr
        from postventa.customers.timeline import register_kind
        from postventa.notifications import gdpr, timeline

        register_kind("notification.sent", timeline.render_sent, icon="mail")
        register_kind("notification.failed", timeline.render_failed, icon="mail")
        register_gdpr("notifications", exporter=gdpr.export_customer, eraser=gdpr.erase_customer)
