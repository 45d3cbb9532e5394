from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentPlansConfig(AppConfig):
    name = "postventa.aftercare.payment_plans"
    label = "payment_plans"
    verbose_name = _("Interest-free payment plans")
    default_auto_field = "django.db.models.BigAutoField"
