"""Sending an agent's reply as an email that threads back: headers, token, marker, language.

One OutboundEmail row per helpdesk message is committed before the SMTP send; a worker retry
finds it and sends nothing twice once it is `sent`.
"""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from postventa.messaging.email.models import InboundEmail, Mailbox, OutboundEmail
from postventa.messaging.email.threading_keys import LOOP_HEADER, body_marker, loop_token, new_message_id

MAX_REFERENCES = 20


class DeliveryFailed(Exception):
    """The SMTP server refused or could not be reached; the outbox retries with backoff."""


def mailbox_for(ticket) -> Mailbox | None:
    """The mailbox the customer last wrote to on this ticket, else the first active one."""
    inbound = (
        InboundEmail.objects.filter(ticket_id=ticket.pk, mailbox__isnull=False, mailbox__is_active=True)
        .select_related("mailbox")
        .order_by("-id")
        .first()
    )
    if inbound is not None:
        return inbound.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("id").first()


def _thread_ids(ticket, exclude_message_id: int) -> tuple[str, list[str]]:
    """(In-Reply-To, References): the customer's last email and the thread's ids, oldest first."""
    from postventa.helpdesk.models import Message

    rows = list(
        Message.objects.filter(ticket=ticket, kind=Message.Kind.PUBLIC_REPLY, external_id__startswith="<")
        .exclude(pk=exclude_message_id)
        .order_by("created_at", "id")
        .values_list("external_id", "direction")
    )
    refs = [mid for mid, _d in rows]
    inbound = [mid for mid, direction in rows if direction == Message.Direction.INBOUND]
    in_reply_to = inbound[-1] if inbound else (refs[-1] if refs else "")
    if len(refs) > MAX_REFERENCES:
        refs = refs[:1] + refs[-(MAX_REFERENCES - 1) :]
    return in_reply_to, refs


def _claim(message, ticket, mailbox) -> OutboundEmail:
    """The idempotency row, committed on its own before anything is sent."""
    with transaction.atomic():
        row = OutboundEmail.objects.select_for_update().filter(helpdesk_message_id=message.pk).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return OutboundEmail.objects.create(
                    helpdesk_message_id=message.pk,
                    ticket_id=ticket.pk,
                    mailbox=mailbox,
                    rfc_message_id=new_message_id(
                        ticket_id=ticket.pk, message_id=message.pk, mailbox=mailbox
                    ),
                    to_address=ticket.customer.email,
                )
        except IntegrityError:
            return OutboundEmail.objects.get(helpdesk_message_id=message.pk)


def build(message, row: OutboundEmail, mailbox: Mailbox | None) -> EmailMultiAlternatives:
    ticket = message.ticket
    customer = ticket.customer
    agent = message.author_user
    agent_name = (agent.get_full_name() or agent.get_username()) if agent else ""
    if mailbox is not None:
        label = f"{agent_name} via {mailbox.name}" if agent_name else mailbox.name
        from_email = formataddr((label, mailbox.address))
    else:
        from_email = settings.DEFAULT_FROM_EMAIL
    in_reply_to, refs = _thread_ids(ticket, message.pk)
    language = (customer.language or ticket.language or settings.LANGUAGE_CODE)[:2]
    context = {
        "ticket": ticket,
        "token": ticket.token,
        "subject": ticket.subject,
        "customer": customer,
        "agent_name": agent_name,
        "body": message.body_text,
        "body_html": message.body_html,
        "marker": body_marker(ticket.number),
    }
    with translation.override(language):
        subject = " ".join(render_to_string("mail/reply/subject.txt", context).split())
        text = render_to_string("mail/reply/body.txt", context)
        html = render_to_string("mail/reply/body.html", context)
    headers = {"Message-ID": row.rfc_message_id, LOOP_HEADER: loop_token()}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if refs:
        headers["References"] = " ".join(refs)
    if message.author_user_id is None or (message.data or {}).get("automatic"):
        headers["Auto-Submitted"] = "auto-replied"
    email = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=[customer.email], headers=headers,
        connection=get_connection(),
    )  # fmt: skip
    if mailbox is not None:
        email.reply_to = [mailbox.address]
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as fh:
            email.attach(attachment.filename, fh.read(), attachment.content_type)
    return email


def deliver(message_id: int) -> str:
    """Send the email for one outbound public reply; returns the OutboundEmail status."""
    from postventa.helpdesk.history import add_thread_keys
    from postventa.helpdesk.models import Channel, Message

    message = Message.objects.select_related("ticket__customer", "author_user").filter(pk=message_id).first()
    if message is None or not message.ticket.customer.email or message.ticket.customer.erased_at:
        return "skipped"
    ticket = message.ticket
    mailbox = mailbox_for(ticket)
    row = _claim(message, ticket, mailbox)
    if row.status == OutboundEmail.Status.SENT:
        return row.status
    mailbox = row.mailbox if row.mailbox_id else mailbox
    # The id is a thread key before the send, so a reply that comes back fast always finds it.
    with transaction.atomic():
        add_thread_keys(ticket, Channel.EMAIL, [row.rfc_message_id])
    try:
        build(message, row, mailbox).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any SMTP/socket error: record it, then let the outbox retry
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            OutboundEmail.objects.filter(pk=row.pk).update(
                status=OutboundEmail.Status.FAILED, attempts=row.attempts + 1, last_error=error
            )
            Message.objects.filter(pk=message.pk).update(
                delivery_status=Message.Delivery.FAILED, last_error=error
            )
        raise DeliveryFailed(error) from exc
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=row.pk).update(
            status=OutboundEmail.Status.SENT, attempts=row.attempts + 1, last_error="", sent_at=timezone.now()
        )
        fields = {"delivery_status": Message.Delivery.SENT, "last_error": ""}
        if not message.external_id:
            fields["external_id"] = row.rfc_message_id
        Message.objects.filter(pk=message.pk).update(**fields)
    return OutboundEmail.Status.SENT
