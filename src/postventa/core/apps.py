from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "postventa.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from postventa.core import receivers  # noqa: F401  (registers the webhook fan-out)
