from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "postventa.messaging.email"
    label = "mail"
    verbose_name = _("Email channel")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.helpdesk.receivers import claim_delivery
        from postventa.messaging.email import receivers  # noqa: F401 - registers the outbox receiver

        # Replies of these channels go out through this app (with threading headers), so the
        # helpdesk's interim email sender leaves them alone.
        for channel in receivers.DELIVERED_CHANNELS:
            claim_delivery(channel)
