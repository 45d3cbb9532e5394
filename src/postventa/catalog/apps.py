from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "postventa.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from postventa.catalog import gdpr
        from postventa.core.events import register_event_type
        from postventa.customers.timeline import register_kind

        register_event_type("product.created", _("A product was added to the catalog"))
        register_event_type("asset.registered", _("A customer's unit (serial number) was registered"))
        register_kind("asset.registered", gdpr.render_asset_timeline, icon="box")
        gdpr.register()
