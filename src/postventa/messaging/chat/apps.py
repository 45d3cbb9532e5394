from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "postventa.messaging.chat"
    label = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from postventa.helpdesk.receivers import claim_delivery
        from postventa.messaging.chat import receivers  # noqa: F401 - registers the outbox receiver and signals

        # Replies on chat tickets go out through the socket (or our own email follow-up), never
        # through the helpdesk's interim email stand-in.
        claim_delivery("web_chat")
