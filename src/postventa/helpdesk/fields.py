"""Validating and applying field changes to a ticket (the rules of ticket_update, in one place)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from postventa.core.errors import Conflict, ValidationFailed
from postventa.core.permissions import permissions_of
from postventa.customers.timeline import timeline_record
from postventa.helpdesk import history
from postventa.helpdesk.models import UNSOLVED, Priority, Status, Ticket, TicketTag, TicketType

UPDATABLE = (
    "subject",
    "status",
    "priority",
    "type",
    "team_id",
    "assignee_id",
    "tags",
    "add_tags",
    "remove_tags",
    "custom_fields",
    "order_id",
    "asset_id",
    "language",
)
MAX_TAGS = 30
MAX_CUSTOM_FIELDS = 50


def _int_or_none(value: Any, field: str) -> int | None:
    if value in (None, "", 0):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(field)s must be a number.") % {"field": field}, code="bad_value")
    if number < 1 or number > 2**62:
        raise ValidationFailed(_("%(field)s must be a number.") % {"field": field}, code="bad_value")
    return number


def clean_tags(names: Any) -> list[str]:
    if isinstance(names, str):
        names = [n for n in names.replace(";", ",").split(",")]
    if not isinstance(names, (list, tuple, set)):
        raise ValidationFailed(_("Tags must be a list of words."), code="bad_tags")
    out: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            raise ValidationFailed(_("Tags must be a list of words."), code="bad_tags")
        name = slugify(raw.strip(), allow_unicode=True)[:60]
        if name and name not in out:
            out.append(name)
    if len(out) > MAX_TAGS:
        raise ValidationFailed(_("A ticket can have at most %(n)s tags.") % {"n": MAX_TAGS}, code="too_many_tags")
    return out


def _custom_fields(current: dict[str, Any], value: Any) -> dict[str, Any]:
    """Merge `value` into the current custom fields; a None value removes that field."""
    if not isinstance(value, dict):
        raise ValidationFailed(_("Custom fields must be an object of names and values."), code="bad_custom_fields")
    merged = dict(current or {})
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip() or len(key) > 60 or "\x00" in key:
            raise ValidationFailed(_("Custom field names must be 1 to 60 characters."), code="bad_custom_fields")
        if item is None:
            merged.pop(key, None)
            continue
        if isinstance(item, str):
            if len(item) > 1000 or "\x00" in item:
                raise ValidationFailed(_("A custom field value is too long."), code="bad_custom_fields")
        elif not isinstance(item, (bool, int, float)) or isinstance(item, float) and item != item:
            raise ValidationFailed(_("Custom field values must be text, numbers or true/false."), code="bad_custom_fields")
        elif isinstance(item, int) and abs(item) > 2**53:
            raise ValidationFailed(_("A custom field number is too large."), code="bad_custom_fields")
        merged[key] = item
    if len(merged) > MAX_CUSTOM_FIELDS:
        raise ValidationFailed(_("Too many custom fields."), code="bad_custom_fields")
    return merged


def apply_status(ticket: Ticket, new: str, *, now: dt.datetime, changes: dict, actor=None) -> None:
    """Move the ticket to `new`, keeping the measured fields right (solved_at, reopen_count...)."""
    if new not in Status.values:
        raise ValidationFailed(_("Unknown status %(value)s.") % {"value": new}, code="bad_status")
    old = ticket.status
    if new == old:
        return
    if old == Status.CLOSED:
        raise Conflict(_("This ticket is closed and can no longer change."), code="ticket_closed")
    if new == Status.NEW:
        raise ValidationFailed(_("A ticket cannot go back to new."), code="bad_status")
    if old == Status.SOLVED and new in UNSOLVED:
        ticket.reopen_count += 1
        ticket.solved_at = None
    if new == Status.SOLVED:
        ticket.solved_at = now
    if new == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    ticket.status = new
    ticket.status_changed_at = now
    changes["status"] = (old, new)
    if new == Status.SOLVED:
        timeline_record(
            customer_id=ticket.customer_id,
            kind="ticket.solved",
            summary=ticket.subject,
            data={"ticket_id": ticket.pk, "number": ticket.number, "subject": ticket.subject},
            source=("helpdesk.ticket", ticket.pk),
            actor=actor,
            occurred_at=now,
        )
        history.emit_ticket("ticket.solved", ticket, actor=actor)


def _assignee(value: Any):
    from postventa.accounts.models import User

    pk = _int_or_none(value, "assignee_id")
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or "tickets.change" not in permissions_of(user):
        raise ValidationFailed(_("That person cannot be assigned tickets."), code="bad_assignee")
    return user


def _team(value: Any):
    from postventa.accounts.models import Team

    pk = _int_or_none(value, "team_id")
    if pk is None:
        return None
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise ValidationFailed(_("That team does not exist."), code="bad_team")
    return team


def _owned(model_label: str, value: Any, ticket: Ticket, field: str):
    from django.apps import apps

    pk = _int_or_none(value, field)
    if pk is None:
        return None
    row = apps.get_model(model_label).objects.filter(pk=pk, customer_id=ticket.customer_id).first()
    if row is None:
        raise ValidationFailed(
            _("That %(what)s does not belong to the ticket's customer.") % {"what": field.removesuffix("_id")},
            code="bad_link",
        )
    return row


def apply_changes(
    ticket: Ticket, changes: dict[str, Any], *, actor, now: dt.datetime, record: bool = True
) -> dict[str, tuple[Any, Any]]:
    """Validate and set `changes` on `ticket` (not saved, except tags); returns {field: (old, new)}."""
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(unknown)}, code="bad_field"
        )
    done: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        if field == "subject":
            subject = " ".join(str(value or "").replace("\x00", "").split())[:300]
            if not subject:
                raise ValidationFailed(_("Give the ticket a subject."), code="subject_missing")
            if subject != ticket.subject:
                done["subject"] = (ticket.subject, subject)
                ticket.subject = subject
        elif field == "priority":
            if value not in Priority.values:
                raise ValidationFailed(_("Unknown priority %(value)s.") % {"value": value}, code="bad_priority")
            if value != ticket.priority:
                done["priority"] = (ticket.priority, value)
                ticket.priority = value
        elif field == "type":
            if value not in TicketType.values:
                raise ValidationFailed(_("Unknown ticket type %(value)s.") % {"value": value}, code="bad_type")
            if value != ticket.type:
                done["type"] = (ticket.type, value)
                ticket.type = value
        elif field == "language":
            if value not in ("es", "en"):
                raise ValidationFailed(_("Unknown language %(value)s.") % {"value": value}, code="bad_language")
            if value != ticket.language:
                done["language"] = (ticket.language, value)
                ticket.language = value
        elif field == "team_id":
            team = _team(value)
            if (team.pk if team else None) != ticket.team_id:
                done["team"] = (str(ticket.team) if ticket.team_id else None, str(team) if team else None)
                ticket.team = team
        elif field == "assignee_id":
            user = _assignee(value)
            if (user.pk if user else None) != ticket.assignee_id:
                done["assignee"] = (str(ticket.assignee) if ticket.assignee_id else None, str(user) if user else None)
                ticket.assignee = user
        elif field in ("order_id", "asset_id"):
            row = _owned("orders.Order" if field == "order_id" else "catalog.Asset", value, ticket, field)
            name = field.removesuffix("_id")
            if (row.pk if row else None) != getattr(ticket, field):
                old = getattr(ticket, name) if getattr(ticket, field) else None
                done[name] = (str(old) if old else None, str(row) if row else None)
                setattr(ticket, name, row)
        elif field == "custom_fields":
            merged = _custom_fields(ticket.custom_fields, value)
            if merged != ticket.custom_fields:
                done["custom_fields"] = (ticket.custom_fields, merged)
                ticket.custom_fields = merged
        elif field in ("tags", "add_tags", "remove_tags"):
            _apply_tags(ticket, field, clean_tags(value), done)
    if "status" in changes:
        apply_status(ticket, str(changes["status"] or ""), now=now, changes=done, actor=actor)
    if record:
        history.record_changes(ticket, done, actor=actor, now=now)
    return done


def _apply_tags(ticket: Ticket, field: str, names: list[str], done: dict) -> None:
    current = sorted(ticket.tags.values_list("name", flat=True))
    if field == "tags":
        wanted = names
    elif field == "add_tags":
        wanted = current + [n for n in names if n not in current]
    else:
        wanted = [n for n in current if n not in names]
    if len(wanted) > MAX_TAGS:
        raise ValidationFailed(_("A ticket can have at most %(n)s tags.") % {"n": MAX_TAGS}, code="too_many_tags")
    if sorted(wanted) == current:
        return
    existing = {t.name: t for t in TicketTag.objects.filter(name__in=wanted)}
    missing = [n for n in wanted if n not in existing]
    if missing:
        TicketTag.objects.bulk_create([TicketTag(name=n) for n in missing], ignore_conflicts=True)
        existing = {t.name: t for t in TicketTag.objects.filter(name__in=wanted)}
    ticket.tags.set([existing[n] for n in wanted])
    done["tags"] = (current, sorted(wanted))
