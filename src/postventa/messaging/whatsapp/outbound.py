"""Agent replies and templates out through the Cloud API, within the 24-hour service window.

WhatsApp lets a business write free-form text only within 24 hours of the customer's last
message; after that only an approved template may start the conversation again. We refuse a
late free-form reply ourselves (with the reason on the ticket) rather than wait for Meta's 131047.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.permissions import require
from postventa.messaging.whatsapp import client
from postventa.messaging.whatsapp.models import (
    OutboundWhatsApp,
    WhatsAppAccount,
    WhatsAppContact,
    WhatsAppTemplate,
)

WINDOW = dt.timedelta(hours=24)
MAX_PARAM_LENGTH = 1024


def window_reason() -> str:
    return _(
        "Not sent: the customer's last WhatsApp message is more than 24 hours old. "
        "WhatsApp only allows an approved template now; send one to restart the conversation."
    )


def window_open(contact: WhatsAppContact | None, now: dt.datetime) -> bool:
    return bool(contact and contact.last_inbound_at and now - contact.last_inbound_at <= WINDOW)


def _wa_id_of(ticket) -> str:
    from postventa.helpdesk.models import TicketThreadKey

    keys = TicketThreadKey.objects.filter(ticket=ticket, channel="whatsapp").order_by("id").values_list("key", flat=True)
    return next((k for k in keys if k.isdigit()), "")


def recipient(*, ticket=None, customer=None, account: WhatsAppAccount | None = None) -> tuple[WhatsAppAccount | None, str, WhatsAppContact | None]:
    """(account, wa_id, contact) to write to: the ticket's conversation, else the customer's number."""
    customer = customer or (ticket.customer if ticket is not None else None)
    wa_id = _wa_id_of(ticket) if ticket is not None else ""
    contacts = WhatsAppContact.objects.select_related("account").order_by("-last_inbound_at", "-id")
    if account is not None:
        contacts = contacts.filter(account=account)
    contact = contacts.filter(wa_id=wa_id).first() if wa_id else None
    if contact is None and customer is not None:
        contact = contacts.filter(customer=customer).first()
    if contact is not None:
        return contact.account, contact.wa_id, contact
    if not wa_id and customer is not None:
        wa_id = "".join(ch for ch in (customer.phone or "") if ch.isdigit())
    account = account or WhatsAppAccount.objects.filter(is_active=True).order_by("id").first()
    return account, wa_id, None


def _finish(out: OutboundWhatsApp, *, status: str, error: str = "", code: str = "", wamid: str | None = None) -> None:
    from postventa.helpdesk.models import Message

    now = timezone.now()
    with transaction.atomic():
        out.status, out.error, out.error_code = status, error[:2000], code[:40]
        out.status_at = now
        if wamid:
            out.wamid, out.sent_at = wamid[:200], now
        out.save()
        if status == OutboundWhatsApp.Status.SENT:
            Message.objects.filter(pk=out.message_id).update(
                delivery_status=Message.Delivery.SENT, last_error="", external_id=(wamid or "")[:300] or None
            )
        else:
            Message.objects.filter(pk=out.message_id).update(delivery_status=Message.Delivery.FAILED, last_error=error[:2000])


def deliver(message_id: int, *, now: dt.datetime | None = None) -> OutboundWhatsApp | None:
    """Send one outbound public reply of a WhatsApp ticket (the outbox receiver calls this).

    Raises client.CloudApiError when a retry may help (network, 5xx): the outbox tries again.
    """
    from postventa.helpdesk.models import Message

    now = now or timezone.now()
    message = Message.objects.select_related("ticket__customer").filter(pk=message_id).first()
    if message is None or message.channel != "whatsapp" or message.kind != Message.Kind.PUBLIC_REPLY:
        return None
    if message.direction != Message.Direction.OUTBOUND:
        return None
    with transaction.atomic():
        out = OutboundWhatsApp.objects.select_for_update().filter(message=message).first()
        if out is None:
            account, wa_id, _contact = recipient(ticket=message.ticket)
            out = OutboundWhatsApp.objects.create(message=message, account=account, to=wa_id, kind=OutboundWhatsApp.Kind.TEXT)
        if out.status != OutboundWhatsApp.Status.PENDING:
            return out  # already sent or refused: a redelivered event does nothing
        out.attempts += 1
        out.save(update_fields=["attempts"])
    account = out.account
    if account is None or not account.is_active:
        _finish(out, status=OutboundWhatsApp.Status.FAILED, code="no_account", error=_("No active WhatsApp account is configured."))
        return out
    if not out.to:
        _finish(out, status=OutboundWhatsApp.Status.FAILED, code="no_recipient", error=_("The customer has no WhatsApp number."))
        return out
    if out.kind == OutboundWhatsApp.Kind.TEXT:
        contact = WhatsAppContact.objects.filter(account=account, wa_id=out.to).first()
        if not out.wamid and not window_open(contact, now):
            _finish(out, status=OutboundWhatsApp.Status.FAILED, code="outside_window", error=window_reason())
            return out
        payload = client.text_payload(out.to, message.body_text)
    else:
        template = out.template
        if template is None:
            _finish(out, status=OutboundWhatsApp.Status.FAILED, code="no_template", error=_("The template was deleted."))
            return out
        payload = client.template_payload(out.to, template.name, template.language, list(out.params or []))
    try:
        # A retry after the text went out (a file failed) sends only what is missing.
        wamid = out.wamid or client.send(account, payload)
        if not out.wamid:
            out.wamid, out.sent_at = wamid[:200], timezone.now()
            out.save(update_fields=["wamid", "sent_at"])
        _send_files(out, message, account)
    except client.CloudApiError as exc:
        if exc.code == str(client.REENGAGEMENT_CODE):
            _finish(out, status=OutboundWhatsApp.Status.FAILED, code="outside_window", error=window_reason())
            return out
        if exc.retryable:
            OutboundWhatsApp.objects.filter(pk=out.pk).update(error=exc.message[:2000], error_code=exc.code[:40])
            Message.objects.filter(pk=message.pk).update(last_error=exc.message[:2000])
            raise
        _finish(out, status=OutboundWhatsApp.Status.FAILED, code=exc.code or "refused", error=exc.message)
        return out
    _finish(out, status=OutboundWhatsApp.Status.SENT, wamid=wamid)
    return out


def _send_files(out: OutboundWhatsApp, message, account: WhatsAppAccount) -> None:
    """Each file of the reply as its own media message, recorded one by one (never sent twice)."""
    done = {item.get("attachment_id") for item in out.media_sent or []}
    for attachment in message.attachments.order_by("id"):
        if attachment.pk in done:
            continue
        with attachment.file.open("rb") as fh:
            content = fh.read()
        media_id = client.upload_media(
            account, filename=attachment.filename, content_type=attachment.content_type, content=content
        )
        kind = client.media_kind(attachment.content_type)
        wamid = client.send(account, client.media_payload(out.to, kind, media_id, filename=attachment.filename))
        out.media_sent = [*(out.media_sent or []), {"attachment_id": attachment.pk, "wamid": wamid}]
        out.save(update_fields=["media_sent"])


def render_template(template: WhatsAppTemplate, params: Sequence[str]) -> str:
    return re.sub(
        r"\{\{\s*(\d+)\s*\}\}",
        lambda m: params[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(params) else m.group(0),
        template.body,
    )


def _clean_params(template: WhatsAppTemplate, params: Sequence[str]) -> list[str]:
    values = [str(p if p is not None else "").strip() for p in params or []]
    if len(values) != template.placeholder_count:
        raise ValidationFailed(
            _("The template %(name)s needs %(n)s values; %(given)s were given.")
            % {"name": template.name, "n": template.placeholder_count, "given": len(values)},
            code="template_params",
        )
    for value in values:
        # Meta refuses empty parameters and parameters with new lines or tabs.
        if not value or len(value) > MAX_PARAM_LENGTH or any(ch in value for ch in "\n\t\x00"):
            raise ValidationFailed(
                _("Every template value must be one line of 1 to 1024 characters."), code="template_param_invalid"
            )
    return values


@transaction.atomic
def send_template(
    *,
    template: WhatsAppTemplate,
    params: Sequence[str],
    acting_user,
    ticket=None,
    customer=None,
):
    """Send an approved template to a customer (business-initiated, any time), as a ticket message.

    On a WhatsApp ticket it is a reply there; without a ticket a new WhatsApp ticket is opened.
    Marketing templates need the customer's recorded WhatsApp marketing consent.
    Returns the helpdesk Message; the outbox delivers it.
    """
    from postventa.customers.selectors import consent_allows
    from postventa.helpdesk import services as helpdesk
    from postventa.helpdesk.models import Channel

    require(acting_user, "tickets.change")
    if not template.is_active or not template.account.is_active:
        raise NotFound(_("That template is not available."))
    if ticket is None and customer is None:
        raise ValidationFailed(_("Choose a ticket or a customer to write to."), code="recipient_missing")
    if ticket is not None and ticket.channel != Channel.WHATSAPP:
        raise ValidationFailed(
            _("This ticket is not a WhatsApp conversation; send the template to the customer to open one."),
            code="not_whatsapp",
        )
    customer = ticket.customer if ticket is not None else customer
    purpose = "marketing" if template.category == WhatsAppTemplate.Category.MARKETING else "transactional"
    if not consent_allows(customer, "whatsapp", purpose):
        if purpose == "marketing":
            raise Conflict(
                _("This customer has not agreed to receive marketing on WhatsApp; a marketing template cannot be sent."),
                code="no_marketing_consent",
            )
        raise Conflict(_("This customer does not accept messages on WhatsApp."), code="consent_withdrawn")
    values = _clean_params(template, params)
    account, wa_id, _contact = recipient(ticket=ticket, customer=customer, account=template.account)
    if not wa_id:
        raise ValidationFailed(_("The customer has no phone number to write to on WhatsApp."), code="no_recipient")
    text = render_template(template, values)
    if ticket is not None:
        message = helpdesk.reply(ticket=ticket, acting_user=acting_user, body=text, status=None)
    else:
        ticket = helpdesk.ticket_create(
            customer=customer, subject=text[:80], body=text, channel=Channel.WHATSAPP, acting_user=acting_user,
            author_customer=False, thread_keys=[wa_id],
        )  # fmt: skip
        message = ticket.messages.order_by("id").first()
    OutboundWhatsApp.objects.create(
        message=message, account=template.account, kind=OutboundWhatsApp.Kind.TEMPLATE, template=template,
        params=values, to=wa_id,
    )  # fmt: skip
    audit.record(
        actor=acting_user, action="whatsapp.template_sent", target=message.ticket,
        changes={"template": [None, template.name], "to": [None, wa_id]},
    )  # fmt: skip
    return message
