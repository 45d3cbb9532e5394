from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentPlansConfig(AppConfig):
    name = "postventa.aftercare.payment_plans"
    label = "payment_plans"
    verbose_name = _("Interest-free payment plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postventa.aftercare.payment_plans import receivers  # noqa: F401  (receivers register on import)
        from postventa.core.events import register_event_type

        register_event_type("payment_plan.created", _("An interest-free payment plan was created"))
        register_event_type("payment_plan.completed", _("Every instalment of a payment plan is paid"))
        register_event_type("payment_plan.cancelled", _("A payment plan was cancelled"))
        register_event_type("instalment.paid", _("An instalment of a payment plan was paid"))
        register_event_type(
            "instalment.overdue", _("An instalment passed its due date unpaid (no charge is added)")
        )

        from postventa.aftercare.payment_plans import gdpr
        from postventa.core.registry import register_gdpr

        register_gdpr("payment_plans", exporter=gdpr.export, eraser=gdpr.erase)
