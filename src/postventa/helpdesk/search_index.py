"""Tickets and messages in the global search.

- "ticket": number and subject (title), customer name and tags (body); facets status, channel,
  team, assignee, created_at.
- "message": the text of a public reply or an internal note (system lines are not indexed);
  shown under its ticket ("#1042 subject", not searched itself so a subject word does not match
  every message of the ticket); the ticket's status/team/assignee are copied onto it so filters
  and permissions need no join. Internal notes are staff-only documents: never in the portal.

Who sees what follows helpdesk.access: tickets.view, then agents their teams' tickets, tickets
with no team and tickets assigned to them; supervisors and analysts every ticket.

Kept current by outbox receivers (ticket.created/updated/solved/merged, ticket.message_added,
customer.updated/merged/erased); rebuilt in bulk with `manage search_reindex --kind message`.
Registered from HelpdeskConfig.ready() by importing this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from postventa.core import search
from postventa.core.events import Event, receiver
from postventa.helpdesk.models import Message, Ticket

TICKET = "ticket"
MESSAGE = "message"
INDEXED_KINDS = (Message.Kind.PUBLIC_REPLY, Message.Kind.INTERNAL_NOTE)
CHUNK = 2000


def ticket_title(ticket: Ticket) -> str:
    return f"#{ticket.number} {ticket.subject}"


def _ticket_fields(ticket: Ticket) -> dict[str, Any]:
    customer = ticket.customer
    name = "" if customer is None or customer.erased_at else customer.display_name
    tags = " ".join(f"#{t.name}" for t in ticket.tags.all())
    return {
        "title": ticket_title(ticket),
        "body": " · ".join(p for p in (name, tags) if p),
        "language": ticket.language,
        "customer_id": ticket.customer_id,
        "team_id": ticket.team_id,
        "status": ticket.status,
        "channel": ticket.channel,
        "assignee_id": ticket.assignee_id,
        "occurred_at": ticket.created_at,
    }


def _message_fields(message: Message) -> dict[str, Any] | None:
    if message.kind not in INDEXED_KINDS or not (message.body_text or "").strip():
        return None
    ticket = message.ticket
    return {
        "title": ticket_title(ticket),
        "title_indexed": False,
        "body": message.body_text,
        "language": ticket.language,
        "customer_id": ticket.customer_id,
        "team_id": ticket.team_id,
        "status": ticket.status,
        "channel": message.channel or ticket.channel,
        "assignee_id": ticket.assignee_id,
        "occurred_at": message.created_at,
        "staff_only": message.kind == Message.Kind.INTERNAL_NOTE,
        "parent_id": ticket.pk,
    }


def _tickets(ids: Iterable[Any]):
    return Ticket.objects.filter(pk__in=list(ids)).select_related("customer").prefetch_related("tags")


def ticket_documents(ids: list[Any]) -> dict[Any, dict[str, Any] | None]:
    found = {t.pk: _ticket_fields(t) for t in _tickets(ids)}
    return {i: found.get(int(i)) for i in ids}


def ticket_document(object_id) -> dict[str, Any] | None:
    return ticket_documents([object_id])[object_id]


_MESSAGE_COLUMNS = (
    "id",
    "kind",
    "channel",
    "body_text",
    "created_at",
    "ticket__id",
    "ticket__number",
    "ticket__subject",
    "ticket__language",
    "ticket__customer_id",
    "ticket__team_id",
    "ticket__status",
    "ticket__channel",
    "ticket__assignee_id",
)


def message_documents(ids: list[Any]) -> dict[Any, dict[str, Any] | None]:
    rows = Message.objects.filter(pk__in=list(ids)).select_related("ticket").only(*_MESSAGE_COLUMNS)
    found = {m.pk: _message_fields(m) for m in rows}
    return {i: found.get(int(i)) for i in ids}


def message_document(object_id) -> dict[str, Any] | None:
    return message_documents([object_id])[object_id]


def _all_ticket_ids():
    return Ticket.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=CHUNK)


def _all_message_ids():
    return (
        Message.objects.filter(kind__in=INDEXED_KINDS)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=CHUNK)
    )


def scope(user) -> search.Scope | None:
    """helpdesk.access in index terms (the permission itself is checked by core.search)."""
    from postventa.helpdesk.access import sees_all

    if sees_all(user):
        return search.Scope(team_ids=None, staff_only=True)
    teams = tuple(user.teams.values_list("id", flat=True))
    return search.Scope(team_ids=teams, assignee_id=user.pk, staff_only=True)


def ticket_link(hit) -> str:
    return reverse("console:ticket_detail", args=[hit.object_id])


def message_link(hit) -> str:
    if not hit.parent_id:
        return ""
    return reverse("console:ticket_detail", args=[hit.parent_id]) + f"#m{hit.object_id}"


# --- keeping the index current -------------------------------------------------------------------


def refresh_ticket(ticket_id, *, messages: bool = False) -> None:
    """Re-index one ticket; copy its facets to its messages, or re-index them all (`messages`)."""
    exists = search.refresh(TICKET, ticket_id)
    if messages or not exists:
        ids = list(
            Message.objects.filter(ticket_id=ticket_id, kind__in=INDEXED_KINDS).values_list("pk", flat=True)
        )
        if not exists:
            search.index_documents(MESSAGE, dict.fromkeys(ids))
            return
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            search.index_documents(MESSAGE, message_documents(chunk))
        return
    ticket = (
        Ticket.objects.filter(pk=ticket_id)
        .values("number", "subject", "status", "team_id", "assignee_id")
        .first()
    )
    if ticket is not None:
        search.update_facets(
            MESSAGE,
            parent_id=ticket_id,
            title=f"#{ticket['number']} {ticket['subject']}",
            status=ticket["status"],
            team_id=ticket["team_id"],
            assignee_id=ticket["assignee_id"],
        )


def on_ticket_event(event: Event) -> None:
    payload = event.payload or {}
    ticket_id = payload.get("ticket_id")
    if ticket_id is None:
        return
    # created: a split moves messages into the new ticket; merged: the source's messages move.
    moved = event.type in ("ticket.created", "ticket.merged")
    refresh_ticket(ticket_id, messages=moved)
    if event.type == "ticket.merged" and payload.get("source_ticket_id"):
        refresh_ticket(payload["source_ticket_id"], messages=True)


def on_message_event(event: Event) -> None:
    message_id = (event.payload or {}).get("message_id")
    if message_id is not None:
        search.refresh(MESSAGE, message_id)


def on_customer_event(event: Event) -> None:
    """Ticket documents carry the customer's name; erasure rewrites the messages too."""
    payload = event.payload or {}
    customer_ids = {payload.get(k) for k in ("customer_id", "source_id", "target_id")} | {event.customer_id}
    customer_ids.discard(None)
    everything = event.type in ("customer.erased", "customer.merged")
    for ticket_id in Ticket.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True):
        refresh_ticket(ticket_id, messages=everything)


def register() -> None:
    search.register_indexer(
        TICKET,
        ticket_document,
        documents=ticket_documents,
        all_ids=_all_ticket_ids,
        permission="tickets.view",
        label=_("Tickets"),
        scope=scope,
        link=ticket_link,
        portal=True,
    )
    search.register_indexer(
        MESSAGE,
        message_document,
        documents=message_documents,
        all_ids=_all_message_ids,
        permission="tickets.view",
        label=_("Messages"),
        scope=scope,
        link=message_link,
        portal=True,
    )
    receiver(
        "ticket.created",
        "ticket.updated",
        "ticket.solved",
        "ticket.merged",
        key="helpdesk.search_index.ticket",
    )(on_ticket_event)
    receiver("ticket.message_added", key="helpdesk.search_index.message")(on_message_event)
    receiver("customer.updated", "customer.merged", "customer.erased", key="helpdesk.search_index.customer")(
        on_customer_event
    )


register()
