from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "postventa.helpdesk"
    label = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from postventa.helpdesk import registration

        registration.register_all()
        from postventa.helpdesk import search_index  # noqa: F401  (tickets and messages in core.search)
