"""Logging a phone call as a ticket message, identifying the caller by number."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import ValidationFailed
from postventa.core.permissions import require
from postventa.messaging.phone.models import PhoneCall

MAX_DURATION = 24 * 3600
MAX_NOTES = 10_000


def _field_error(message: str, code: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, extra={"field": field})


def _clean_recording_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    # Only web links: a javascript: or data: URL would run in the agent's browser when clicked.
    if len(value) > 500 or not value.lower().startswith(("http://", "https://")):
        raise _field_error(_("The recording link must be an http or https address."), "recording_url_invalid", "recording_url")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        raise _field_error(_("The recording link must be an http or https address."), "recording_url_invalid", "recording_url")
    return value


def _clean_duration(value) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise _field_error(_("The duration is a whole number of seconds."), "duration_invalid", "duration")
    if seconds < 0 or seconds > MAX_DURATION:
        raise _field_error(_("The duration must be between 0 seconds and 24 hours."), "duration_invalid", "duration")
    return seconds


def call_summary(*, direction: str, number: str, duration: int, outcome: str, notes: str) -> str:
    minutes, seconds = divmod(duration, 60)
    params = {
        "number": number,
        "duration": f"{minutes}:{seconds:02d}",
        "outcome": str(PhoneCall.Outcome(outcome).label),
    }
    if direction == PhoneCall.Direction.INBOUND:
        head = _("Incoming call from %(number)s (%(duration)s): %(outcome)s.") % params
    else:
        head = _("Outgoing call to %(number)s (%(duration)s): %(outcome)s.") % params
    return f"{head}\n\n{notes}" if notes else head


def _merge_data(message, data: dict) -> None:
    message.data = {**(message.data or {}), **data}
    message.save(update_fields=["data"])


def _open_ticket_of(customer):
    from postventa.helpdesk.models import UNSOLVED, Ticket

    return (
        Ticket.objects.filter(customer=customer, status__in=UNSOLVED, merged_into__isnull=True)
        .order_by("-updated_at", "-id")
        .first()
    )


@transaction.atomic
def log_call(
    *,
    acting_user,
    number: str,
    direction: str,
    duration: int,
    outcome: str,
    notes: str = "",
    recording_url: str = "",
    ticket=None,
    customer=None,
    new_ticket: bool = False,
    now: dt.datetime | None = None,
) -> PhoneCall:
    """Record a call on a ticket: `ticket`, else the caller's latest open ticket, else a new phone ticket.

    The caller is `customer`, else the customer owning `number`, else a new customer with it.
    An incoming call is the customer's message; an outgoing one the agent's (a note when the
    ticket belongs to another channel, so nothing is emailed to the customer).
    """
    from postventa.customers.normalise import normalise_phone
    from postventa.customers.selectors import customer_find
    from postventa.customers.services import customer_identify
    from postventa.helpdesk import access
    from postventa.helpdesk import services as helpdesk
    from postventa.helpdesk.models import Channel

    now = now or timezone.now()
    require(acting_user, "tickets.change")
    try:
        number = normalise_phone(number)
    except ValidationFailed as exc:
        raise _field_error(exc.message, exc.code, "number")
    if direction not in PhoneCall.Direction.values:
        raise _field_error(_("Choose incoming or outgoing."), "direction_invalid", "direction")
    if outcome not in PhoneCall.Outcome.values:
        raise _field_error(_("Choose how the call ended."), "outcome_invalid", "outcome")
    duration = _clean_duration(duration)
    notes = (notes or "").replace("\x00", "").strip()
    if len(notes) > MAX_NOTES:
        raise _field_error(_("The notes are too long (at most 10,000 characters)."), "notes_too_long", "notes")
    recording_url = _clean_recording_url(recording_url)

    if ticket is not None:
        access.require_change(acting_user, ticket)
        customer = ticket.customer
    if customer is None:
        customer = customer_find(phone=number)
    if customer is None:
        customer, _created = customer_identify(acting_user=acting_user, phone=number)
    if ticket is None and not new_ticket:
        ticket = _open_ticket_of(customer)
        if ticket is not None and not access.can_see(acting_user, ticket):
            ticket = None

    text = call_summary(direction=direction, number=number, duration=duration, outcome=outcome, notes=notes)
    data = {"phone_call": {"direction": direction, "number": number, "duration": duration, "outcome": outcome,
                           "recording_url": recording_url}, "logged_by": acting_user.pk}  # fmt: skip
    subject = _("Phone call from %(number)s") % {"number": number}
    inbound = direction == PhoneCall.Direction.INBOUND
    if ticket is None:
        ticket = helpdesk.ticket_create(
            customer=customer, subject=subject, body=text, channel=Channel.PHONE, acting_user=acting_user,
            author_customer=inbound, now=now,
        )  # fmt: skip
        message = ticket.messages.order_by("id").first()
        _merge_data(message, data)
    elif inbound:
        ticket, message, _created = helpdesk.receive_message(
            customer=customer, channel=Channel.PHONE, body_text=text, subject=subject, ticket=ticket, data=data,
            acknowledge=False, now=now,
        )  # fmt: skip
    elif ticket.channel == Channel.PHONE:
        message = helpdesk.reply(ticket=ticket, acting_user=acting_user, body=text, status=None, now=now)
        _merge_data(message, data)
    else:
        message = helpdesk.add_note(ticket=ticket, acting_user=acting_user, body=text, now=now)
        _merge_data(message, data)
    call = PhoneCall.objects.create(
        ticket=ticket, message=message, customer=customer, direction=direction, number=number,
        duration_seconds=duration, outcome=outcome, notes=notes, recording_url=recording_url,
        logged_by=acting_user, created_at=now,
    )  # fmt: skip
    audit.record(
        actor=acting_user, action="phone.call_logged", target=ticket,
        changes={"call": [None, f"{direction} {number} {outcome} {duration}s"]},
    )  # fmt: skip
    return call
