from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakebackConfig(AppConfig):
    name = "postventa.aftercare.takeback"
    label = "takeback"
    verbose_name = _("Take-back and recycling")
    default_auto_field = "django.db.models.BigAutoField"
