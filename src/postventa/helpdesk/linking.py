"""Merging tickets, splitting a message into a new ticket, and linking incidents to a problem."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.helpdesk import access, history
from postventa.helpdesk.fields import apply_status
from postventa.helpdesk.models import Attachment, Message, Status, Ticket, TicketThreadKey, TicketType
from postventa.helpdesk.services import announce_created, open_ticket, system_message


def _locked_pair(a: Ticket, b: Ticket) -> tuple[Ticket, Ticket]:
    # Lock in primary-key order so two merges of the same pair cannot deadlock.
    rows = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk")}
    if a.pk not in rows or b.pk not in rows:
        raise NotFound(_("That ticket does not exist."))
    return rows[a.pk], rows[b.pk]


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, acting_user, now: dt.datetime | None = None) -> Ticket:
    """Fold `source` into `target`: its conversation, files, thread keys, tags and links move.

    The source is closed with merged_into set (a later message to it lands on the target), and
    the customer is told on the target (a public system line, and an email by the receiver of
    ticket.merged).
    """
    now = now or timezone.now()
    access.require_change(acting_user, source)
    access.require_change(acting_user, target)
    if source.pk == target.pk:
        raise ValidationFailed(_("A ticket cannot be merged into itself."), code="merge_same")
    source, target = _locked_pair(source, target)
    if source.merged_into_id or target.merged_into_id:
        raise Conflict(_("One of these tickets was already merged into another."), code="already_merged")
    if target.status == Status.CLOSED:
        raise Conflict(_("A ticket cannot be merged into a closed ticket."), code="target_closed")
    if source.customer_id != target.customer_id:
        # Moving one customer's messages onto another's ticket would show them to a stranger.
        raise Conflict(_("Only tickets of the same customer can be merged."), code="merge_other_customer")

    moved = Message.objects.filter(ticket=source).update(ticket=target)
    Attachment.objects.filter(ticket=source).update(ticket=target)
    TicketThreadKey.objects.filter(ticket=source).update(ticket=target)
    Ticket.objects.filter(problem=source).update(problem=target)
    Ticket.objects.filter(follow_up_of=source).update(follow_up_of=target)
    target.tags.add(*source.tags.all())
    target.customer_message_count = F("customer_message_count") + source.customer_message_count
    target.agent_reply_count = F("agent_reply_count") + source.agent_reply_count
    target.handle_time_seconds = F("handle_time_seconds") + source.handle_time_seconds
    if target.first_response_at is None or (source.first_response_at and source.first_response_at < target.first_response_at):
        target.first_response_at = source.first_response_at or target.first_response_at
    target.order_id = target.order_id or source.order_id
    target.asset_id = target.asset_id or source.asset_id
    target.problem_id = target.problem_id or source.problem_id
    if target.status == Status.SOLVED and source.status in (Status.NEW, Status.OPEN):
        changes_t: dict = {}
        apply_status(target, Status.OPEN, now=now, changes=changes_t, actor=acting_user)
    target.save()
    target.refresh_from_db()

    source_changes: dict = {}
    if source.status != Status.CLOSED:
        apply_status(source, Status.CLOSED, now=now, changes=source_changes, actor=acting_user)
    source.merged_into = target
    source.save()
    source_changes["merged_into"] = (None, f"#{target.number}")
    history.record_changes(source, source_changes, actor=acting_user, now=now, action="ticket.merged")
    history.record_changes(
        target, {"merged_from": (None, f"#{source.number}")}, actor=acting_user, now=now, action="ticket.merged"
    )
    system_message(
        source, _("Merged into ticket #%(number)s.") % {"number": target.number}, public=True, now=now
    )
    system_message(
        target,
        _("Ticket #%(source)s was merged into this ticket; the conversation continues here.") % {"source": source.number},
        public=True,
        now=now,
    )
    history.emit_ticket(
        "ticket.merged",
        target,
        actor=acting_user,
        source_ticket_id=source.pk,
        source_number=source.number,
        moved_messages=moved,
    )
    return target


@transaction.atomic
def ticket_split(*, message: Message, acting_user, subject: str = "", now: dt.datetime | None = None) -> Ticket:
    """Move one customer message (and its files) out into a new ticket of the same customer."""
    now = now or timezone.now()
    old = message.ticket
    access.require_change(acting_user, old)
    old = Ticket.objects.select_for_update().get(pk=old.pk)
    if old.status == Status.CLOSED:
        raise Conflict(_("This ticket is closed and can no longer change."), code="ticket_closed")
    if message.kind != Message.Kind.PUBLIC_REPLY or message.direction != Message.Direction.INBOUND:
        raise ValidationFailed(_("Only a customer's message can be split into a new ticket."), code="split_kind")
    if not Message.objects.filter(ticket=old, kind=Message.Kind.PUBLIC_REPLY).exclude(pk=message.pk).exists():
        raise ValidationFailed(_("The only message of a ticket cannot be split off."), code="split_only")
    subject = " ".join((subject or "").split())[:300] or old.subject
    new = open_ticket(
        customer=old.customer, subject=subject, channel=message.channel or old.channel, now=now,
        priority=old.priority, type=TicketType.QUESTION if old.type == TicketType.PROBLEM else old.type,
        language=old.language, team_id=old.team_id, split_from=old,
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(ticket=new)
    Attachment.objects.filter(message=message).update(ticket=new)
    new.customer_message_count = 1
    new.last_customer_message_at = message.created_at
    new.save()
    if old.customer_message_count:
        Ticket.objects.filter(pk=old.pk).update(customer_message_count=F("customer_message_count") - 1)
    system_message(old, _("A message was split off into ticket #%(number)s.") % {"number": new.number}, now=now)
    system_message(new, _("Split off from ticket #%(number)s.") % {"number": old.number}, now=now)
    history.record_changes(old, {"split_to": (None, f"#{new.number}")}, actor=acting_user, now=now, action="ticket.split")
    history.record_changes(new, {"split_from": (None, f"#{old.number}")}, actor=acting_user, now=now, action="ticket.split")
    announce_created(new, acting_user=acting_user, acknowledge=False, message=None)
    return new


@transaction.atomic
def ticket_link_problem(*, ticket: Ticket, problem: Ticket | None, acting_user, now: dt.datetime | None = None) -> Ticket:
    """Link an incident to its problem ticket (a recurring fault), or unlink with problem=None."""
    now = now or timezone.now()
    access.require_change(acting_user, ticket)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if problem is not None:
        problem = Ticket.objects.filter(pk=problem.pk).first()
        if problem is None:
            raise NotFound(_("That ticket does not exist."))
        access.require_view(acting_user, problem)
        if problem.pk == ticket.pk:
            raise ValidationFailed(_("A ticket cannot be its own problem."), code="problem_self")
        if problem.type != TicketType.PROBLEM:
            raise ValidationFailed(_("Link to a ticket of type problem."), code="problem_type")
        if ticket.type == TicketType.PROBLEM:
            raise ValidationFailed(_("A problem cannot be linked to another problem."), code="problem_nested")
        if problem.merged_into_id:
            raise Conflict(_("That problem was merged into another ticket."), code="already_merged")
    if (problem.pk if problem else None) == ticket.problem_id:
        return ticket
    old = f"#{ticket.problem.number}" if ticket.problem_id else None
    ticket.problem = problem
    changes = {"problem": (old, f"#{problem.number}" if problem else None)}
    if problem is not None and ticket.type not in (TicketType.INCIDENT,):
        changes["type"] = (ticket.type, TicketType.INCIDENT)
        ticket.type = TicketType.INCIDENT
    ticket.save()
    history.record_changes(ticket, changes, actor=acting_user, now=now)
    history.emit_ticket("ticket.updated", ticket, actor=acting_user, changes={k: list(v) for k, v in changes.items()})
    return ticket
