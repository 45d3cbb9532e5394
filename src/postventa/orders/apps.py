from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "postventa.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from postventa.orders import extensions, receivers  # noqa: F401  (receivers register on import)

        extensions.register_all()
