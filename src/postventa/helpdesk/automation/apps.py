from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskAutomationConfig(AppConfig):
    name = "postventa.helpdesk.automation"
    label = "helpdesk_automation"
    verbose_name = _("Helpdesk automation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.helpdesk.automation import receivers  # noqa: F401  (receivers register on import)
