from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "postventa.aftercare.returns"
    label = "returns"
    verbose_name = _("Returns and refunds")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.returns import (
            receivers,  # noqa: F401  (receivers register on import)
            wiring,
        )
        from postventa.core.events import register_event_type

        register_event_type("return.requested", _("A customer asked to return items (RMA opened)"))
        register_event_type("return.approved", _("A return was approved"))
        register_event_type("return.rejected", _("A return was rejected"))
        register_event_type("return.in_transit", _("A returned parcel is on its way back"))
        register_event_type("return.received", _("Returned items arrived at the warehouse"))
        register_event_type("return.inspected", _("Returned items were inspected"))
        register_event_type(
            "return.closed", _("A return was closed (refunded, exchanged, credited or repaired)")
        )
        register_event_type("refund.created", _("A refund was recorded"))
        wiring.register()
