"""Timeline renderers for this app's own entry kinds (registered from CustomersConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.customers.models import Channel, Purpose
from postventa.customers.timeline import register_kind


def _created(entry) -> str:
    return _("Customer created")


def _merged(entry) -> str:
    return _("Merged duplicate customer #%(id)s (%(name)s) into this one") % {
        "id": entry.data["source_id"],
        "name": entry.data.get("source_name", ""),
    }


def _consent(entry, granted: bool) -> str:
    params = {
        "channel": Channel(entry.data["channel"]).label,
        "purpose": Purpose(entry.data["purpose"]).label,
    }
    if granted:
        return _("Consent granted: %(purpose)s by %(channel)s") % params
    return _("Consent withdrawn: %(purpose)s by %(channel)s") % params


def _note(entry) -> str:
    return _("Note: %(text)s") % {"text": entry.data["text"]}


def _erased(entry) -> str:
    return _("Personal data erased")


def register() -> None:
    register_kind("customer.created", _created, icon="user")
    register_kind("customer.merged", _merged, icon="merge")
    register_kind("consent.granted", lambda e: _consent(e, True), icon="check")
    register_kind("consent.withdrawn", lambda e: _consent(e, False), icon="x")
    register_kind("note.added", _note, icon="note")
    register_kind("customer.erased", _erased, icon="shield")
