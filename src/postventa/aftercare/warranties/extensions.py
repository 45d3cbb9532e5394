"""What the warranties app plugs into the shared registries (events, timeline, panels, GDPR)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


def render_extended_sold(entry) -> str:
    from django.utils.translation import get_language

    name = entry.data.get("name_en") if (get_language() or "es")[:2] == "en" else entry.data.get("name_es")
    return _("Extended warranty bought: %(name)s, until %(date)s") % {
        "name": name or entry.data.get("name_es", ""),
        "date": entry.data["ends_on"],
    }


def register() -> None:
    from postventa.core.events import register_event_type
    from postventa.customers.timeline import register_kind

    register_event_type("warranty.extended_sold", _lazy("An extended warranty was sold for a product unit"))
    register_event_type("warranty_terms.published", _lazy("A new version of warranty terms was published"))
    register_event_type(
        "warranty.guarantee_extended",
        _lazy("A repair under guarantee extended a unit's legal guarantee"),
    )
    register_kind("warranty.extended_sold", render_extended_sold, icon="shield")
