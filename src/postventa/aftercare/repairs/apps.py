from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "postventa.aftercare.repairs"
    label = "repairs"
    verbose_name = _("Repairs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.repairs import receivers  # noqa: F401  (receivers register on import)
        from postventa.core.events import register_event_type

        register_event_type(
            "repair.created", _("A repair (service order) was opened: the asset was received")
        )
        register_event_type("repair.status_changed", _("A repair moved to another status"))
        register_event_type("repair.quote_sent", _("A repair quote was sent to the customer"))
        register_event_type("repair.quote_approved", _("The customer approved a repair quote"))
        register_event_type("repair.quote_rejected", _("The customer rejected a repair quote"))
        register_event_type("repair.completed", _("A repair was completed (ready to return)"))
        register_event_type("repair.closed", _("A repair was closed"))

        from postventa.aftercare.repairs import registrations

        registrations.register_all()
