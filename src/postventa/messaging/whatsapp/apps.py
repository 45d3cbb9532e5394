from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsAppConfig(AppConfig):
    name = "postventa.messaging.whatsapp"
    label = "whatsapp"
    verbose_name = _("WhatsApp Business")

    def ready(self) -> None:
        from postventa.helpdesk.receivers import claim_delivery
        from postventa.messaging.whatsapp import receivers  # noqa: F401  (registers the outbox receiver)

        # Replies on WhatsApp tickets go out through the Cloud API, not by email.
        claim_delivery("whatsapp")
