from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsAppConfig(AppConfig):
    name = "postventa.messaging.whatsapp"
    label = "whatsapp"
    verbose_name = _("WhatsApp Business")

    def ready(self) -> None:
        from postventa.core.registry import register_gdpr
        from postventa.customers.merge import register_merge_mover
        from postventa.helpdesk.receivers import claim_delivery
        from postventa.messaging.whatsapp import (
            gdpr,
            receivers,  # noqa: F401  (registers the outbox receiver)
        )

        # Replies on WhatsApp tickets go out through the Cloud API, not by email.
        claim_delivery("whatsapp")
        register_gdpr("whatsapp", exporter=gdpr.export_whatsapp, eraser=gdpr.erase_whatsapp)
        register_merge_mover("whatsapp", gdpr.move_contacts)
