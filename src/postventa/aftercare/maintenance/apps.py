from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "postventa.aftercare.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance and owner notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.maintenance import panels, receivers  # noqa: F401 (register on import)
        from postventa.core.events import register_event_type

        register_event_type("maintenance_plan.created", _("A maintenance plan was created for a product"))
        register_event_type("maintenance_plan.updated", _("A maintenance plan was changed"))
        register_event_type("maintenance_reminder.sent", _("A maintenance reminder was sent to a customer"))
        register_event_type("service_visit.booked", _("A customer booked a maintenance visit"))
        register_event_type("service_visit.confirmed", _("A maintenance visit was confirmed"))
        register_event_type("service_visit.completed", _("A maintenance visit was completed"))
        register_event_type("service_visit.cancelled", _("A maintenance visit was cancelled"))
        register_event_type("owner_notice.sent", _("A notice was sent to the owners of a product"))
        panels.register()
