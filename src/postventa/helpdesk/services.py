"""Every write to tickets and their conversation: the one place the helpdesk's rules live.

Channels (email, chat, WhatsApp, the portal form, the API) call `receive_message`; agents act
through `reply`, `add_note`, `ticket_update`, `ticket_claim`; merge, split and problem links are
in helpdesk.linking. `acting_user=None` means the system (a channel, a task): no permission check,
no audit row. Staff calls always pass the signed-in user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.customers.timeline import timeline_record
from postventa.helpdesk import access, attachments, history
from postventa.helpdesk.content import clean_body, parse_mentions
from postventa.helpdesk.fields import apply_changes, apply_status
from postventa.helpdesk.models import (
    UNSOLVED,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
    TicketThreadKey,
    TicketType,
)

SUBJECT_MAX = 300
# Called on commit with (message, [users]) for every note that mentions someone: the hook the
# staff notification centre plugs into.
MENTION_HOOKS: list[Callable[[Message, list[Any]], None]] = []


def reopen_days() -> int:
    return int(getattr(settings, "HELPDESK_REOPEN_DAYS", 7))


def ticket_link(ticket: Ticket) -> str:
    try:
        return reverse("console:ticket_detail", args=[ticket.pk])
    except NoReverseMatch:
        return ""


def _lock(ticket: Ticket) -> Ticket:
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if locked is None:
        raise NotFound(_("That ticket does not exist."))
    return locked


def _active_customer(customer):
    """The customer rows should attach to: follows merges; erased customers get no new tickets."""
    if customer is None:
        raise ValidationFailed(_("A ticket needs a customer."), code="customer_missing")
    for _i in range(5):
        if customer.merged_into_id is None:
            break
        customer = customer.merged_into
    if customer.erased_at is not None:
        raise Conflict(_("This customer's data was erased; no ticket can be opened for them."), code="customer_erased")
    return customer


def _subject_from(subject: str, text: str) -> str:
    subject = " ".join((subject or "").replace("\x00", "").split())
    if not subject:
        first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
        subject = first[:80] + ("…" if len(first) > 80 else "")
    return subject[:SUBJECT_MAX]


def _check_channel(channel: str) -> str:
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel %(channel)s.") % {"channel": channel}, code="bad_channel")
    return channel


def _new_message(
    ticket: Ticket,
    *,
    kind: str,
    direction: str,
    channel: str,
    text: str,
    html: str = "",
    author_user=None,
    author_customer=None,
    external_id: str | None = None,
    raw_ref: str = "",
    data: dict[str, Any] | None = None,
    now: dt.datetime,
) -> Message:
    outbound_public = kind == Message.Kind.PUBLIC_REPLY and direction == Message.Direction.OUTBOUND
    return Message.objects.create(
        ticket=ticket,
        kind=kind,
        direction=direction,
        channel=channel,
        body_text=text,
        body_html=html,
        author_user=author_user if getattr(author_user, "pk", None) else None,
        author_customer=author_customer,
        external_id=(external_id or "").strip()[:300] or None,
        delivery_status=Message.Delivery.PENDING if outbound_public else Message.Delivery.NONE,
        raw_ref=(raw_ref or "")[:300],
        data=data or {},
        created_at=now,
    )


def system_message(ticket: Ticket, text: str, *, public: bool = False, now: dt.datetime | None = None) -> Message:
    """A line written by Postventa itself (merges, splits); `public` ones are shown to the customer."""
    return _new_message(
        ticket,
        kind=Message.Kind.SYSTEM,
        direction=Message.Direction.OUTBOUND,
        channel="",
        text=text,
        data={"public": public},
        now=now or timezone.now(),
    )


def _count_customer_message(ticket: Ticket, now: dt.datetime) -> None:
    ticket.customer_message_count += 1
    ticket.last_customer_message_at = now


def _count_agent_reply(ticket: Ticket, now: dt.datetime) -> None:
    ticket.agent_reply_count += 1
    ticket.last_agent_message_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now


def open_ticket(
    *,
    customer,
    subject: str,
    channel: str,
    now: dt.datetime,
    acting_user=None,
    priority: str = Priority.NORMAL,
    type: str = TicketType.QUESTION,
    language: str = "",
    **links: Any,
) -> Ticket:
    """Insert a bare ticket with its number (no message, no event): the first step of every create."""
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority %(value)s.") % {"value": priority}, code="bad_priority")
    if type not in TicketType.values:
        raise ValidationFailed(_("Unknown ticket type %(value)s.") % {"value": type}, code="bad_type")
    return Ticket.objects.create(
        number=history.next_number(),
        subject=subject,
        customer=customer,
        channel=channel,
        status=Status.NEW,
        priority=priority,
        type=type,
        language=(language or customer.language or settings.LANGUAGE_CODE)[:8],
        created_at=now,
        status_changed_at=now,
        **links,
    )


def announce_created(ticket: Ticket, *, acting_user=None, acknowledge: bool, message: Message | None) -> None:
    """Timeline entry and the ticket.created event (+ message_added for its first message)."""
    timeline_record(
        customer_id=ticket.customer_id,
        kind="ticket.created",
        summary=ticket.subject,
        data={"ticket_id": ticket.pk, "number": ticket.number, "subject": ticket.subject, "channel": ticket.channel},
        link=ticket_link(ticket),
        source=("helpdesk.ticket", ticket.pk),
        actor=acting_user,
        occurred_at=ticket.created_at,
    )
    history.emit_ticket("ticket.created", ticket, actor=acting_user, acknowledge=acknowledge)
    if message is not None:
        history.emit_message(ticket, message, actor=acting_user)


@transaction.atomic
def ticket_create(
    *,
    customer,
    subject: str,
    body: str,
    channel: str,
    acting_user=None,
    author_customer: bool = True,
    body_html: str = "",
    priority: str = Priority.NORMAL,
    type: str = TicketType.QUESTION,
    team_id: int | None = None,
    assignee_id: int | None = None,
    tags: Iterable[str] = (),
    custom_fields: dict[str, Any] | None = None,
    order_id: int | None = None,
    asset_id: int | None = None,
    language: str = "",
    external_id: str | None = None,
    thread_keys: Iterable[str] = (),
    attachments_in: Iterable[Any] = (),
    attachment_ids: Iterable[int] = (),
    acknowledge: bool | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a ticket with its first message.

    `author_customer=True`: the first message is the customer's (inbound), e.g. an agent logging
    a phone call or a form post. False: an agent writes to the customer first (outbound public
    reply, delivered by the channel). The acknowledgement email goes out when `acknowledge` is
    true; by default, when the customer wrote it themselves (no acting_user).
    """
    now = now or timezone.now()
    if acting_user is not None:
        from postventa.core.permissions import require

        require(acting_user, "tickets.change")
    channel = _check_channel(channel)
    customer = _active_customer(customer)
    text, html = clean_body(body, body_html)
    files = attachments.validate_batch(attachments_in)
    if not text and not files and not attachment_ids:
        raise ValidationFailed(_("Write a message."), code="body_missing")
    subject = _subject_from(subject, text)
    if not subject:
        raise ValidationFailed(_("Give the ticket a subject."), code="subject_missing")
    ticket = open_ticket(
        customer=customer, subject=subject, channel=channel, now=now, acting_user=acting_user,
        priority=priority, type=type, language=language,
    )  # fmt: skip
    if author_customer:
        message = _new_message(
            ticket, kind=Message.Kind.PUBLIC_REPLY, direction=Message.Direction.INBOUND, channel=channel,
            text=text, html=html, author_customer=customer, external_id=external_id, now=now,
            data={"logged_by": acting_user.pk} if acting_user is not None else None,
        )  # fmt: skip
        _count_customer_message(ticket, now)
    else:
        if acting_user is None:
            raise ValidationFailed(_("An outbound ticket needs the agent who writes it."), code="author_missing")
        message = _new_message(
            ticket, kind=Message.Kind.PUBLIC_REPLY, direction=Message.Direction.OUTBOUND, channel=channel,
            text=text, html=html, author_user=acting_user, external_id=external_id, now=now,
        )  # fmt: skip
        _count_agent_reply(ticket, now)
    attachments.store_all(
        ticket=ticket, message=message, items=files, user=acting_user,
        customer=customer if acting_user is None else None,
    )  # fmt: skip
    if attachment_ids:
        attachments.bind_staged(ticket=ticket, message=message, attachment_ids=attachment_ids, user=acting_user)
    history.add_thread_keys(ticket, channel, [*thread_keys, external_id or ""])
    # Fields set after the insert go through the same validation as any later change.
    initial: dict[str, Any] = {}
    for key, value in (("team_id", team_id), ("assignee_id", assignee_id), ("order_id", order_id),
                       ("asset_id", asset_id), ("custom_fields", custom_fields)):  # fmt: skip
        if value:
            initial[key] = value
    if tags:
        initial["tags"] = list(tags)
    if not author_customer:
        initial["status"] = Status.PENDING
    if initial:
        apply_changes(ticket, initial, actor=acting_user, now=now, record=False)
    ticket.save()
    if acknowledge is None:
        acknowledge = author_customer and acting_user is None
    announce_created(ticket, acting_user=acting_user, acknowledge=acknowledge, message=message)
    return ticket


def _find_by_keys(channel: str, keys: list[str]) -> Ticket | None:
    clean = [k.strip()[:300] for k in keys if (k or "").strip()]
    if not clean:
        return None
    # The id alone, then the ticket: cheaper than joining the wide ticket row into the key query.
    ticket_id = (
        TicketThreadKey.objects.filter(channel=channel, key__in=clean)
        .order_by("-id")
        .values_list("ticket_id", flat=True)
        .first()
    )
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None


def _resolve(ticket: Ticket) -> Ticket:
    """The ticket a new message really belongs to: follows merges, then follow-ups of closed ones."""
    for _i in range(10):
        if ticket.merged_into_id is not None:
            ticket = Ticket.objects.get(pk=ticket.merged_into_id)
            continue
        if ticket.status == Status.CLOSED:
            newer = ticket.follow_ups.order_by("-id").first()
            if newer is not None:
                ticket = newer
                continue
        break
    return ticket


def _reopenable(ticket: Ticket, now: dt.datetime) -> bool:
    if ticket.status != Status.SOLVED:
        return ticket.status != Status.CLOSED
    solved_at = ticket.solved_at or ticket.status_changed_at or now
    return now - solved_at <= dt.timedelta(days=reopen_days())


@transaction.atomic
def receive_message(
    *,
    customer,
    channel: str,
    body_text: str,
    body_html: str = "",
    subject: str = "",
    external_id: str | None = None,
    thread_keys: Iterable[str] = (),
    attachments_in: Iterable[Any] = (),
    ticket: Ticket | None = None,
    raw_ref: str = "",
    data: dict[str, Any] | None = None,
    acknowledge: bool | None = None,
    now: dt.datetime | None = None,
    keys_checked: bool = False,
    external_id_checked: bool = False,
) -> tuple[Ticket, Message, bool]:
    """A customer's message from any channel -> (ticket, message, created).

    - De-duplicates by (channel, external_id): a second delivery returns the first message and
      created=False, writing nothing.
    - Finds the ticket: `ticket` if given and it belongs to `customer`, else any of
      `thread_keys` (or `external_id`) known for this channel; follows merges.
    - A solved ticket reopens within HELPDESK_REOPEN_DAYS; after that, or when closed, a new
      ticket is opened with `follow_up_of` set to the old one.
    - Registers `thread_keys` and `external_id` so later messages find this ticket.

    Bulk ingest (a channel that has already looked things up for a whole batch) may skip two
    lookups: `keys_checked` when it already searched `thread_keys` and `external_id` and found
    no ticket; `external_id_checked` when it knows no message has `external_id` yet (a duplicate
    arriving meanwhile is still caught by the unique constraint and answered as above).
    """
    now = now or timezone.now()
    channel = _check_channel(channel)
    customer = _active_customer(customer)
    external_id = (external_id or "").strip()[:300] or None
    if external_id and not external_id_checked:
        seen = Message.objects.select_related("ticket").filter(channel=channel, external_id=external_id).first()
        if seen is not None:
            return seen.ticket, seen, False
    keys = [k for k in thread_keys or [] if isinstance(k, str)]
    text, html = clean_body(body_text, body_html)
    files = attachments.validate_batch(attachments_in)
    if not text and not files:
        raise ValidationFailed(_("The message is empty."), code="body_missing")
    try:
        # A savepoint: if a concurrent delivery of the same external id wins the insert, nothing of
        # this one (not even a new ticket) is kept, and the caller's transaction lives on.
        with transaction.atomic():
            return _receive(
                customer=customer, channel=channel, text=text, html=html, subject=subject,
                external_id=external_id, keys=keys, files=files, ticket=ticket, raw_ref=raw_ref,
                data=data, acknowledge=acknowledge, now=now, keys_checked=keys_checked,
            )  # fmt: skip
    except IntegrityError:
        seen = (
            Message.objects.select_related("ticket").filter(channel=channel, external_id=external_id).first()
            if external_id
            else None
        )
        if seen is None:
            raise
        return seen.ticket, seen, False


def _receive(
    *, customer, channel, text, html, subject, external_id, keys, files, ticket, raw_ref, data, acknowledge, now,
    keys_checked=False,
) -> tuple[Ticket, Message, bool]:
    target = ticket if ticket is not None and ticket.customer_id == customer.pk else None
    if target is None and not keys_checked:
        target = _find_by_keys(channel, [*keys, external_id or ""])
    previous = None
    if target is not None:
        target = _lock(_resolve(target))
        if not _reopenable(target, now):
            previous, target = target, None

    created = target is None
    if target is None:
        text_subject = _subject_from(subject or (previous.subject if previous else ""), text)
        # The new ticket is inserted already counting this message: no UPDATE right after.
        target = open_ticket(
            customer=customer, subject=text_subject or _("Message from %(name)s") % {"name": customer.display_name},
            channel=channel, now=now, follow_up_of=previous,
            team_id=previous.team_id if previous else None, type=previous.type if previous else TicketType.QUESTION,
            customer_message_count=1, last_customer_message_at=now,
        )  # fmt: skip
    message = _new_message(
        target, kind=Message.Kind.PUBLIC_REPLY, direction=Message.Direction.INBOUND, channel=channel,
        text=text, html=html, author_customer=customer, external_id=external_id, raw_ref=raw_ref,
        data=data, now=now,
    )  # fmt: skip
    attachments.store_all(ticket=target, message=message, items=files, customer=customer)
    if not created:
        _count_customer_message(target, now)
    history.add_thread_keys(target, channel, [*keys, external_id or ""])

    if created:
        announce_created(target, acknowledge=True if acknowledge is None else acknowledge, message=message)
        return target, message, True

    changes: dict[str, tuple[Any, Any]] = {}
    if target.status not in (Status.NEW, Status.OPEN):
        apply_status(target, Status.OPEN, now=now, changes=changes)
    target.save()
    history.record_changes(target, changes, actor=None, now=now)
    if changes:
        history.emit_ticket("ticket.updated", target, changes={k: list(v) for k, v in changes.items()})
    history.emit_message(target, message)
    return target, message, False


@transaction.atomic
def reply(
    *,
    ticket: Ticket,
    acting_user,
    body: str,
    body_html: str = "",
    attachments_in: Iterable[Any] = (),
    attachment_ids: Iterable[int] = (),
    macro: Any = None,
    status: str | None = Status.PENDING,
    now: dt.datetime | None = None,
) -> Message:
    """An agent's public reply. Emits ticket.message_added (outbound) so its channel delivers it.

    Sets first_response_at on the first reply; the status becomes `status` (pending on the
    customer by default; None keeps it). An unassigned ticket is assigned to the replier.
    """
    now = now or timezone.now()
    access.require_change(acting_user, ticket)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED or ticket.merged_into_id:
        raise Conflict(_("This ticket is closed; open a new one to write to the customer."), code="ticket_closed")
    if status is not None and status not in (Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        raise ValidationFailed(_("A reply can leave the ticket open, pending, on hold or solved."), code="bad_status")
    text, html = clean_body(body, body_html)
    files = attachments.validate_batch(attachments_in)
    if not text:
        raise ValidationFailed(_("Write a reply."), code="body_missing")
    macro_id = getattr(macro, "pk", macro)
    message = _new_message(
        ticket, kind=Message.Kind.PUBLIC_REPLY, direction=Message.Direction.OUTBOUND, channel=ticket.channel,
        text=text, html=html, author_user=acting_user, now=now,
        data={"macro_id": macro_id} if isinstance(macro_id, int) else None,
    )  # fmt: skip
    attachments.store_all(ticket=ticket, message=message, items=files, user=acting_user)
    attachments.bind_staged(ticket=ticket, message=message, attachment_ids=attachment_ids, user=acting_user)
    _count_agent_reply(ticket, now)
    changes: dict[str, tuple[Any, Any]] = {}
    wanted: dict[str, Any] = {}
    if ticket.assignee_id is None:
        wanted["assignee_id"] = acting_user.pk
    if status is not None and status != ticket.status:
        wanted["status"] = status
    if wanted:
        changes = apply_changes(ticket, wanted, actor=acting_user, now=now)
    ticket.save()
    if changes:
        history.emit_ticket("ticket.updated", ticket, actor=acting_user, changes={k: list(v) for k, v in changes.items()})
    history.emit_message(ticket, message, actor=acting_user)
    return message


@transaction.atomic
def add_note(
    *,
    ticket: Ticket,
    acting_user,
    body: str,
    body_html: str = "",
    attachments_in: Iterable[Any] = (),
    attachment_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> Message:
    """An internal note (never shown to the customer); "@username" mentions staff, who are told."""
    from postventa.accounts.models import User

    now = now or timezone.now()
    access.require_change(acting_user, ticket)
    ticket = _lock(ticket)
    text, html = clean_body(body, body_html)
    files = attachments.validate_batch(attachments_in)
    if not text:
        raise ValidationFailed(_("Write a note."), code="body_missing")
    message = _new_message(
        ticket, kind=Message.Kind.INTERNAL_NOTE, direction=Message.Direction.OUTBOUND, channel=Channel.CONSOLE,
        text=text, html=html, author_user=acting_user, now=now,
    )  # fmt: skip
    attachments.store_all(ticket=ticket, message=message, items=files, user=acting_user)
    attachments.bind_staged(ticket=ticket, message=message, attachment_ids=attachment_ids, user=acting_user)
    names = [n.lower() for n in parse_mentions(text)]
    mentioned = list(User.objects.filter(username__in=names, is_active=True)) if names else []
    mentioned = [u for u in mentioned if access.can_see(u, ticket) and u.pk != acting_user.pk]
    if mentioned:
        message.mentions.set(mentioned)
    ticket.save()  # bumps updated_at so the inbox shows the activity
    history.emit_message(ticket, message, actor=acting_user, mentioned_user_ids=[u.pk for u in mentioned])
    if mentioned and MENTION_HOOKS:
        transaction.on_commit(lambda: [hook(message, mentioned) for hook in MENTION_HOOKS])
    return message


@transaction.atomic
def ticket_update(*, ticket: Ticket, acting_user, changes: dict[str, Any], now: dt.datetime | None = None) -> Ticket:
    """Change fields (see helpdesk.fields.UPDATABLE): history rows, audit, ticket.updated / solved."""
    now = now or timezone.now()
    access.require_change(acting_user, ticket)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED and set(changes) - {"tags", "add_tags", "remove_tags"}:
        raise Conflict(_("This ticket is closed and can no longer change."), code="ticket_closed")
    applied = apply_changes(ticket, changes, actor=acting_user, now=now)
    if not applied:
        return ticket
    ticket.save()
    history.emit_ticket("ticket.updated", ticket, actor=acting_user, changes={k: list(v) for k, v in applied.items()})
    return ticket


def ticket_claim(*, ticket: Ticket, acting_user, now: dt.datetime | None = None) -> Ticket:
    """The agent takes the ticket: assigned to them, and a new ticket becomes open."""
    wanted: dict[str, Any] = {"assignee_id": acting_user.pk}
    if ticket.status == Status.NEW:
        wanted["status"] = Status.OPEN
    return ticket_update(ticket=ticket, acting_user=acting_user, changes=wanted, now=now)


@transaction.atomic
def tickets_bulk_update(*, ticket_ids: Iterable[int], acting_user, changes: dict[str, Any]) -> int:
    """The same change on many tickets (inbox bulk actions); all or nothing. Returns how many."""
    ids = sorted({int(i) for i in ticket_ids if 0 < int(i) < 2**62})
    if not ids:
        raise ValidationFailed(_("Select at least one ticket."), code="nothing_selected")
    if len(ids) > 500:
        raise ValidationFailed(_("Select at most 500 tickets at once."), code="too_many")
    tickets = list(access.visible_tickets(acting_user, Ticket.objects.filter(pk__in=ids)).order_by("pk"))
    if len(tickets) != len(ids):
        raise NotFound(_("One of the selected tickets does not exist."))
    for ticket in tickets:
        ticket_update(ticket=ticket, acting_user=acting_user, changes=changes)
    return len(tickets)


def ticket_add_handle_time(*, ticket: Ticket, acting_user, seconds: int) -> None:
    """Add time an agent spent on the ticket (the workspace reports it while open)."""
    from django.db.models import F

    access.require_change(acting_user, ticket)
    seconds = max(0, min(int(seconds), 120))
    if seconds and ticket.status in UNSOLVED:
        Ticket.objects.filter(pk=ticket.pk).update(handle_time_seconds=F("handle_time_seconds") + seconds)
