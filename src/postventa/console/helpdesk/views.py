"""Console pages for tickets: the inbox and the ticket workspace (reads only; writes in actions.py)."""

from __future__ import annotations

import contextlib

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.core.permissions import can
from postventa.helpdesk import attachments, presence, selectors, services
from postventa.helpdesk.downloads import file_response
from postventa.helpdesk.models import Channel, Message, Priority, SavedView, Status, TicketType

PAGE_SIZE = 50


def _teams():
    from postventa.accounts.models import Team

    return list(Team.objects.order_by("name"))


def _agents():
    from postventa.accounts.models import Role, User

    return list(
        User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN]).order_by(
            "first_name", "username"
        )
    )


def _shown_counts(counts: dict[str, int]) -> dict[str, str | int]:
    """Capped counts as the sidebar shows them: 1000+ rather than counting a huge backlog."""
    cap = selectors.COUNT_CAP
    return {key: (f"{cap}+" if value > cap else value) for key, value in counts.items()}


def _filters_from(request) -> tuple[dict[str, str], SavedView | None]:
    g = request.GET
    view = None
    if g.get("view", "").isdigit():
        view = selectors.saved_views_for(request.user).filter(pk=int(g["view"][:18])).first()
    if view is not None:
        return dict(view.filters), view
    filters = selectors.clean_filters({k: g.get(k, "") for k in selectors.FILTER_KEYS})
    if not any(k in g for k in selectors.FILTER_KEYS):
        filters = {"status": "unsolved"}  # the inbox opens on what still needs work
    return filters, None


@staff_required("tickets.view")
def ticket_list(request):
    user = request.user
    filters, view = _filters_from(request)
    try:
        qs = selectors.ticket_list(user=user, filters=filters)
        page = keyset_page(qs, cursor=request.GET.get("cursor") or None, page_size=PAGE_SIZE, order_field="updated_at")
    except ApplicationError as exc:
        flash_error(request, exc)
        filters = {"status": "unsolved"}
        qs = selectors.ticket_list(user=user, filters=filters)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="updated_at")
    # One reverse() for the page, not two per row.
    detail = reverse("console:ticket_detail", args=[0]).removesuffix("0/")
    for ticket in page.items:
        ticket.url = f"{detail}{ticket.pk}/"
    context = {
        "nav": "tickets",
        "now": timezone.now(),
        "page": page,
        "filters": filters,
        "current_view": view,
        "is_default": view is None and filters == {"status": "unsolved"},
        "saved_views": list(selectors.saved_views_for(user)),
        "counts": _shown_counts(selectors.inbox_counts(user)),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": _teams(),
        "agents": _agents() if can(user, "tickets.change") else [],
        "can_change": can(user, "tickets.change"),
        "can_share": can(user, "tickets.manage"),
    }
    return render_page(request, "console/helpdesk/ticket_list.html", context, partial="console/helpdesk/_ticket_rows.html")


def _load(request, ticket_id: int):
    try:
        return selectors.ticket_get(user=request.user, ticket_id=ticket_id)
    except NotFound:
        raise Http404


def workspace_context(request, ticket, *, tab: str = "conversation", before: str | None = None) -> dict:
    """Everything the ticket workspace shows, in a bounded number of queries.

    The conversation is a window of the latest messages (older ones load on demand), so the
    page costs the same with 5 messages or 5,000.
    """
    from postventa.catalog.selectors import assets_of_customer
    from postventa.customers.selectors import customer_360
    from postventa.orders.selectors import orders_of_customer

    user = request.user
    customer = customer_360(ticket.customer_id)
    conversation, has_earlier = selectors.conversation_window(ticket, before=before)
    presence.presence_touch(ticket_id=ticket.pk, user=user, state="viewing")
    return {
        "nav": "tickets",
        "ticket": ticket,
        "tab": tab,
        "conversation": conversation,
        "has_earlier": has_earlier,
        "before": before,
        "can_split": has_earlier or len(conversation) > 1,
        "history": list(selectors.history_of(ticket)[:300]) if tab == "history" else [],
        "customer": customer,
        "orders": orders_of_customer(customer.pk, limit=5) if can(user, "orders.view") else None,
        "assets": assets_of_customer(customer.pk)[:5] if can(user, "catalog.view") else None,
        "other_tickets": [t for t in selectors.tickets_of_customer(customer.pk, user=user, limit=6) if t.pk != ticket.pk][:5],
        "incidents": list(ticket.incidents.order_by("-id")[:20]) if ticket.type == TicketType.PROBLEM else [],
        "staged": selectors.staged_attachments(ticket, user=user),
        "others": presence.presence_others(ticket_id=ticket.pk, user=user),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "types": TicketType.choices,
        "channels": Channel.choices,
        "teams": _teams(),
        "agents": _agents(),
        "tag_text": ", ".join(sorted(t.name for t in ticket.tags.all())),
        "can_change": can(user, "tickets.change") and ticket.merged_into_id is None,
        "reply_statuses": [(Status.PENDING, Status.PENDING.label), (Status.OPEN, Status.OPEN.label),
                           (Status.ON_HOLD, Status.ON_HOLD.label), (Status.SOLVED, Status.SOLVED.label)],  # fmt: skip
        "message_kinds": Message.Kind,
    }


@staff_required("tickets.view")
def ticket_detail(request, ticket_id: int):
    ticket = _load(request, ticket_id)
    tab = "history" if request.GET.get("tab") == "history" else "conversation"
    return render_page(request, "console/helpdesk/ticket_detail.html", workspace_context(request, ticket, tab=tab))


@staff_required("tickets.view")
def ticket_earlier(request, ticket_id: int):
    """The messages before `?before=<message id>`: an HTMX fragment, or the workspace on that window."""
    ticket = _load(request, ticket_id)
    before = request.GET.get("before", "")[:20]
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        try:
            conversation, has_earlier = selectors.conversation_window(ticket, before=before)
        except ApplicationError:
            raise Http404
        context = {
            "ticket": ticket,
            "conversation": conversation,
            "has_earlier": has_earlier,
            "can_split": True,
            "can_change": can(request.user, "tickets.change") and ticket.merged_into_id is None,
        }
        return render(request, "console/helpdesk/_messages.html", context)
    try:
        context = workspace_context(request, ticket, before=before)
    except ApplicationError:
        raise Http404
    return render_page(request, "console/helpdesk/ticket_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_required("tickets.view")
def ticket_presence(request, ticket_id: int):
    """The HTMX poll of an open workspace: record this agent, show who else is here."""
    ticket = _load(request, ticket_id)
    state = request.POST.get("state", "viewing") if request.method == "POST" else "viewing"
    presence.presence_touch(ticket_id=ticket.pk, user=request.user, state=state)
    if request.method == "POST" and can(request.user, "tickets.change"):
        # Time with the workspace open and visible is the handle time, measured where it happens.
        with contextlib.suppress(ApplicationError):
            services.ticket_add_handle_time(ticket=ticket, acting_user=request.user, seconds=10)
    others = presence.presence_others(ticket_id=ticket.pk, user=request.user)
    return render(request, "console/helpdesk/_presence.html", {"others": others, "ticket": ticket})


@staff_required("tickets.view")
def attachment_download(request, attachment_id: int):
    try:
        attachment = attachments.attachment_for_download(attachment_id=attachment_id, user=request.user)
        return file_response(attachment)
    except NotFound:
        raise Http404
