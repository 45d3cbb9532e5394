from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskSlaConfig(AppConfig):
    name = "postventa.helpdesk.sla"
    label = "helpdesk_sla"
    verbose_name = _("Service levels (SLA)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.core import calendar_services  # noqa: F401  (registers "calendar.updated")
        from postventa.core.events import register_event_type
        from postventa.helpdesk.sla import receivers  # noqa: F401  (receivers register on import)

        register_event_type(
            "ticket.sla_breached",
            _("A ticket missed an SLA target (first response, next response or resolution)"),
        )
        register_event_type("ticket.sla_warning", _("A ticket is about to miss an SLA target"))
