"""Reads for the WhatsApp settings pages and API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound
from postventa.messaging.whatsapp.models import InboundWhatsApp, WhatsAppAccount, WhatsAppTemplate


def account_current() -> WhatsAppAccount | None:
    """The account the settings page edits (one number per installation for now)."""
    return WhatsAppAccount.objects.select_related("default_team").order_by("id").first()


def templates_for(account: WhatsAppAccount | None, *, active_only: bool = False) -> QuerySet[WhatsAppTemplate]:
    if account is None:
        return WhatsAppTemplate.objects.none()
    qs = WhatsAppTemplate.objects.filter(account=account)
    return qs.filter(is_active=True) if active_only else qs


def template_get(template_id) -> WhatsAppTemplate:
    from postventa.customers.normalise import as_pk

    pk = as_pk(template_id)
    template = WhatsAppTemplate.objects.select_related("account").filter(pk=pk).first() if pk else None
    if template is None:
        raise NotFound(_("That template does not exist."))
    return template


def inbound_list(*, status: str = "") -> QuerySet[InboundWhatsApp]:
    qs = InboundWhatsApp.objects.select_related("account")
    if status in InboundWhatsApp.Status.values:
        qs = qs.filter(status=status)
    return qs.defer("raw")
