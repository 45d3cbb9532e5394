from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "postventa.messaging.phone"
    label = "phone"
    verbose_name = _("Phone calls")

    def ready(self) -> None:
        from postventa.helpdesk.receivers import claim_delivery

        # A reply on a phone ticket is said on the phone; the agent logs it, nothing is sent.
        claim_delivery("phone")
        from postventa.core.registry import register_gdpr
        from postventa.customers.merge import register_merge_mover
        from postventa.messaging.phone import gdpr

        register_gdpr("phone", exporter=gdpr.export_calls, eraser=gdpr.erase_calls)
        register_merge_mover("phone", gdpr.move_calls)
