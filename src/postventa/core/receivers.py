"""Outbox receivers of the shared kernel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from postventa.core import webhooks
from postventa.core.events import Event, receiver, register_event_type

register_event_type(webhooks.TEST_EVENT_TYPE, _("A test delivery sent from the webhook settings."))


@receiver("*", key="core.webhooks")
def webhooks_fan_out(event: Event) -> None:
    # Runs in the outbox's transaction with the "done" mark: deliveries are created exactly once.
    webhooks.fan_out(event)
