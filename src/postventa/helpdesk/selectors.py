"""Reads of tickets shaped for the inbox, the workspace, the API and the portal."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound, ValidationFailed
from postventa.helpdesk import access
from postventa.helpdesk.models import (
    UNSOLVED,
    Attachment,
    Message,
    Priority,
    SavedView,
    Status,
    Ticket,
    TicketChange,
)

# Filters an inbox view understands (also what a SavedView stores).
FILTER_KEYS = ("status", "team", "assignee", "priority", "customer_id", "q", "channel", "tag", "type", "sla")


def _pk(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def clean_filters(raw: dict[str, Any]) -> dict[str, str]:
    """Keep the known filter keys with short string values (a saved view stores exactly this)."""
    out: dict[str, str] = {}
    for key in FILTER_KEYS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        value = str(value).replace("\x00", "").strip()[:120]
        if value:
            out[key] = value
    return out


def ticket_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[Ticket]:
    """Tickets `user` may see, filtered. Filter values:

    status: a status, "unsolved" (default when absent is all) · team: id or "none" ·
    assignee: id, "me" or "none" · priority · customer_id · q (subject or number) · channel ·
    tag · type · sla: "overdue" or "due_soon" (a running SLA clock past or near its due time).
    """
    f = clean_filters(filters or {})
    qs = access.visible_tickets(user)
    status = f.get("status", "")
    if status == "unsolved":
        qs = qs.filter(status__in=UNSOLVED)
    elif status:
        if status not in Status.values:
            raise ValidationFailed(_("Unknown status %(value)s.") % {"value": status}, code="bad_status")
        qs = qs.filter(status=status)
    team = f.get("team", "")
    if team == "none":
        qs = qs.filter(team__isnull=True)
    elif team:
        qs = qs.filter(team_id=_pk(team) or 0)
    assignee = f.get("assignee", "")
    if assignee == "me":
        qs = qs.filter(assignee_id=getattr(user, "pk", 0))
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=_pk(assignee) or 0)
    if f.get("priority"):
        if f["priority"] not in Priority.values:
            raise ValidationFailed(_("Unknown priority %(value)s.") % {"value": f["priority"]}, code="bad_priority")
        qs = qs.filter(priority=f["priority"])
    if f.get("customer_id"):
        qs = qs.filter(customer_id=_pk(f["customer_id"]) or 0)
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    if f.get("type"):
        qs = qs.filter(type=f["type"])
    if f.get("tag"):
        qs = qs.filter(tags__name=f["tag"].lower())
    if f.get("sla"):
        qs = qs.filter(_sla_q(f["sla"]))
    q = f.get("q", "")
    if q:
        number = q.lstrip("#")
        cond = Q(subject__icontains=q)
        if number.isdigit() and len(number) < 18:
            cond |= Q(number=int(number))
        qs = qs.filter(cond)
    # The customer is prefetched (one IN query for the page), not joined: with an INNER JOIN,
    # SQLite may drive the query from the customers table (a full scan of 100k+ customers per
    # inbox load, seen at 1M tickets with the SLA filters); team and assignee are LEFT JOINs
    # and keep the tickets table, and its indexes, in the driving seat.
    return qs.select_related("team", "assignee").prefetch_related("customer", "tags")


def _sla_q(value: str) -> Q:
    # Imported late: the SLA module builds on this one.
    from django.utils import timezone

    from postventa.helpdesk.sla.selectors import due_soon_q, overdue_q

    if value == "overdue":
        return overdue_q(timezone.now())
    if value == "due_soon":
        return due_soon_q(timezone.now())
    raise ValidationFailed(_("Unknown SLA filter %(value)s.") % {"value": value}, code="bad_sla_filter")


def ticket_get(*, user, ticket_id: Any) -> Ticket:
    """One ticket the user may see, or NotFound."""
    pk = _pk(ticket_id)
    ticket = (
        Ticket.objects.select_related("customer", "team", "assignee", "order", "asset__product", "merged_into", "problem")
        .filter(pk=pk or 0)
        .first()
    )
    if ticket is None:
        raise NotFound(_("That ticket does not exist."))
    access.require_view(user, ticket)
    return ticket


def conversation(ticket: Ticket, *, public_only: bool = False) -> list[Message]:
    """The ticket's messages, oldest first, with authors, files and mentions in a fixed number of queries."""
    qs = Message.objects.filter(ticket=ticket).select_related("author_user", "author_customer")
    if public_only:
        qs = qs.filter(Q(kind=Message.Kind.PUBLIC_REPLY) | Q(kind=Message.Kind.SYSTEM, data__public=True))
    return list(
        qs.prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")), "mentions").order_by(
            "created_at", "id"
        )
    )


# The workspace shows the latest messages; older ones come on demand ("load earlier").
CONVERSATION_WINDOW = 30


def conversation_window(
    ticket: Ticket, *, limit: int = CONVERSATION_WINDOW, before: Any = None
) -> tuple[list[Message], bool]:
    """The latest `limit` messages (oldest first), or the `limit` before message id `before`.

    Returns (messages, has_earlier). A fixed number of queries whatever the conversation's
    length: one for the window (message_ticket_idx, newest first), one per prefetch.
    """
    qs = Message.objects.filter(ticket=ticket)
    before_id = _pk(before)
    if before is not None and before != "":
        anchor = Message.objects.filter(ticket=ticket, pk=before_id or 0).values_list("created_at", flat=True).first()
        if anchor is None:
            raise NotFound(_("That message is not in this ticket."))
        qs = qs.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, id__lt=before_id))
    rows = list(
        qs.select_related("author_user", "author_customer")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")), "mentions")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    has_earlier = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return rows, has_earlier


def history_of(ticket: Ticket) -> QuerySet[TicketChange]:
    return TicketChange.objects.filter(ticket=ticket).select_related("actor")


def staged_attachments(ticket: Ticket, *, user=None, customer=None) -> list[Attachment]:
    qs = Attachment.objects.filter(ticket=ticket, message__isnull=True)
    if user is not None:
        qs = qs.filter(uploaded_by_user=user)
    if customer is not None:
        qs = qs.filter(uploaded_by_customer=customer)
    return list(qs)


def tickets_of_customer(customer_id: int, *, user=None, limit: int = 10) -> list[Ticket]:
    qs = Ticket.objects.filter(customer_id=customer_id)
    if user is not None:
        qs = access.visible_tickets(user, qs)
    return list(qs.select_related("assignee", "team").order_by("-created_at", "-id")[:limit])


def portal_tickets(customer) -> QuerySet[Ticket]:
    """A customer's own tickets (never anyone else's), newest activity first; merged ones hidden."""
    return Ticket.objects.filter(customer=customer, merged_into__isnull=True).order_by("-updated_at", "-id")


def portal_ticket(customer, ticket_number: Any) -> Ticket:
    pk = _pk(ticket_number)
    ticket = Ticket.objects.filter(customer=customer, number=pk or 0).first() if customer is not None else None
    if ticket is None:
        raise NotFound(_("That ticket does not exist."))
    return ticket


def saved_views_for(user) -> QuerySet[SavedView]:
    return SavedView.objects.filter(Q(user=user) | Q(user__isnull=True))


# Sidebar counts stop here: "1,000+" says enough, and counting 200k unsolved tickets on every
# inbox load would cost more than the rest of the page.
COUNT_CAP = 1000


def capped_count(qs: QuerySet, cap: int | None = None) -> int:
    """COUNT(*) over at most cap + 1 rows (SELECT COUNT(*) FROM (... LIMIT cap + 1))."""
    cap = COUNT_CAP if cap is None else cap
    return qs.order_by().values("pk")[: cap + 1].count()


def inbox_counts(user) -> dict[str, int]:
    """Counts for the inbox sidebar: one capped count each (a handful, bounded whatever the size).

    A value above COUNT_CAP means "more than COUNT_CAP" (the template shows "1000+").
    """
    base = access.visible_tickets(user).filter(status__in=UNSOLVED)
    return {
        "mine": capped_count(base.filter(assignee_id=user.pk)),
        "unassigned": capped_count(base.filter(assignee__isnull=True)),
        "unsolved": capped_count(base),
    }
