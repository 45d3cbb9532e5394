from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "postventa.aftercare.claims"
    label = "claims"
    verbose_name = _("Warranty claims")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.claims import receivers, wiring  # noqa: F401  (receivers register on import)
        from postventa.core.events import register_event_type

        register_event_type("claim.submitted", _("A customer filed a warranty claim"))
        register_event_type("claim.in_review", _("A warranty claim is being reviewed"))
        register_event_type("claim.approved", _("A warranty claim was approved"))
        register_event_type("claim.rejected", _("A warranty claim was rejected (with the reason)"))
        register_event_type("claim.remedy_chosen", _("The remedy of a warranty claim was chosen"))
        register_event_type(
            "claim.remedy_failed", _("The remedy of a warranty claim did not cure the defect")
        )
        register_event_type("claim.resolved", _("A warranty claim's remedy was carried out"))
        register_event_type("claim.closed", _("A warranty claim was closed"))
        wiring.register_all()
