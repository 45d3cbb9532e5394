from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "postventa.aftercare.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance and owner notices")
    default_auto_field = "django.db.models.BigAutoField"
