"""Registrations in shared registries: timeline kinds, customer 360 panel, GDPR."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _money(entry) -> str:
    from postventa.core.money import format_money

    return format_money(entry.data.get("amount"), entry.data.get("currency") or "EUR")


def register() -> None:
    from postventa.customers.timeline import register_kind

    register_kind(
        "refund.created", lambda e: _("Refund of %(amount)s recorded") % {"amount": _money(e)}, icon="money"
    )
    register_kind(
        "store_credit.credit",
        lambda e: _("Store credit of %(amount)s added") % {"amount": _money(e)},
        icon="money",
    )
    register_kind(
        "store_credit.spend",
        lambda e: _("Store credit of %(amount)s used") % {"amount": _money(e).replace("-", "")},
        icon="money",
    )
