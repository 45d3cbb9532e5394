from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarrantiesConfig(AppConfig):
    name = "postventa.aftercare.warranties"
    label = "warranties"
    verbose_name = _("Warranties and coverage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.warranties import extensions

        extensions.register()
