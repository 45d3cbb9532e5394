from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "postventa.aftercare.returns"
    label = "returns"
    verbose_name = _("Returns and refunds")
    default_auto_field = "django.db.models.BigAutoField"
