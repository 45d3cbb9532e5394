from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "postventa.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from postventa.core.events import register_event_type
        from postventa.customers import kinds, search_index, segments  # noqa: F401  (segments registers built-in conditions)

        register_event_type("customer.created", _("A customer was created."))
        register_event_type("customer.updated", _("A customer's data or contacts changed."))
        register_event_type("customer.merged", _("A duplicate customer was merged into another."))
        register_event_type("customer.erased", _("A customer's personal data was erased (GDPR)."))
        register_event_type("consent.changed", _("A customer granted or withdrew a consent."))
        kinds.register()
        search_index.register()
