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
