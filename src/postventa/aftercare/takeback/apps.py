from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakebackConfig(AppConfig):
    name = "postventa.aftercare.takeback"
    label = "takeback"
    verbose_name = _("Take-back and recycling")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.takeback import panels, receivers  # noqa: F401 (register on import)
        from postventa.core.events import register_event_type

        register_event_type(
            "takeback.requested", _("A customer asked us to take back a product for recycling")
        )
        register_event_type("takeback.status_changed", _("A take-back request moved to another status"))
        panels.register()
