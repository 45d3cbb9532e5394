"""Customer 360 and asset panels of take-back."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from postventa.core.permissions import can


def _customer_panel(customer, user):
    if not can(user, "takeback.view"):
        return None
    from postventa.aftercare.takeback.selectors import request_list

    rows = list(request_list(customer_id=customer.pk).order_by("-created_at", "-id")[:5])
    return {"requests": rows} if rows else None


def register() -> None:
    from postventa.customers.panels import register_panel
    from postventa.customers.timeline import register_kind

    register_panel("takeback", gettext_lazy("Take-back"), "console/takeback/_customer_panel.html",
                   _customer_panel, order=70)  # fmt: skip
    register_kind("takeback.requested", lambda e: _("Take-back request %(n)s") % {"n": e.data.get("number", "")},
                  icon="recycle")  # fmt: skip
    register_kind("takeback.status_changed", lambda e: e.summary, icon="recycle")
