from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "postventa.aftercare.claims"
    label = "claims"
    verbose_name = _("Warranty claims")
    default_auto_field = "django.db.models.BigAutoField"
