"""Console form posts on tickets: each parses the form, calls one service, and redirects."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from postventa.console.helpdesk.views import _load, workspace_context
from postventa.console.mixins import flash_error, staff_required
from postventa.core.errors import ApplicationError, NotFound, ValidationFailed
from postventa.helpdesk import linking, savedviews, selectors, services
from postventa.helpdesk.fields import clean_tags
from postventa.helpdesk.models import Channel, Message, Priority, Ticket, TicketType


def _back(request, ticket_id: int):
    return redirect("console:ticket_detail", ticket_id=ticket_id)


def _ticket_by_number(request, raw: str) -> Ticket:
    number = (raw or "").strip().lstrip("#")
    if not number.isdigit() or len(number) > 18:
        raise ValidationFailed(_("Enter a ticket number."))
    ticket = Ticket.objects.filter(number=int(number)).first()
    if ticket is None:
        raise NotFound(_("No ticket has the number %(number)s.") % {"number": number})
    return selectors.ticket_get(user=request.user, ticket_id=ticket.pk)


@require_POST
@staff_required("tickets.change")
def ticket_message(request, ticket_id: int):
    ticket = _load(request, ticket_id)
    p = request.POST
    files = request.FILES.getlist("files")
    try:
        if p.get("kind") == "note":
            services.add_note(ticket=ticket, acting_user=request.user, body=p.get("body", ""), attachments_in=files)
            messages.success(request, _("Note added."))
        else:
            status = p.get("status", "pending")
            services.reply(
                ticket=ticket, acting_user=request.user, body=p.get("body", ""), attachments_in=files,
                status=None if status == "keep" else status,
            )  # fmt: skip
            messages.success(request, _("Reply sent."))
    except ApplicationError as exc:
        # Keep what the agent wrote: render the workspace again with the error and the text.
        context = workspace_context(request, ticket)
        context.update({"composer_error": exc.message, "draft": p.get("body", "")[:200_000], "draft_kind": p.get("kind", "reply")})
        return render(request, "console/helpdesk/ticket_detail.html", context, status=422)
    return _back(request, ticket_id)


@require_POST
@staff_required("tickets.change")
def ticket_fields(request, ticket_id: int):
    ticket = _load(request, ticket_id)
    p = request.POST
    changes = {
        "status": p.get("status", ticket.status),
        "priority": p.get("priority", ticket.priority),
        "type": p.get("type", ticket.type),
        "team_id": p.get("team_id") or None,
        "assignee_id": p.get("assignee_id") or None,
    }
    if "subject" in p:
        changes["subject"] = p.get("subject", "")
    try:
        changes["tags"] = clean_tags(p.get("tags", ""))
        services.ticket_update(ticket=ticket, acting_user=request.user, changes=changes)
        messages.success(request, _("Ticket saved."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return _back(request, ticket_id)


@require_POST
@staff_required("tickets.change")
def ticket_claim(request, ticket_id: int):
    ticket = _load(request, ticket_id)
    try:
        services.ticket_claim(ticket=ticket, acting_user=request.user)
        messages.success(request, _("The ticket is yours."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return _back(request, ticket_id)


@require_POST
@staff_required("tickets.change")
def ticket_merge(request, ticket_id: int):
    source = _load(request, ticket_id)
    try:
        target = _ticket_by_number(request, request.POST.get("target", ""))
        linking.ticket_merge(source=source, target=target, acting_user=request.user)
    except ApplicationError as exc:
        flash_error(request, exc)
        return _back(request, ticket_id)
    messages.success(request, _("Ticket #%(source)s was merged into this one.") % {"source": source.number})
    return _back(request, target.pk)


@require_POST
@staff_required("tickets.change")
def ticket_problem(request, ticket_id: int):
    ticket = _load(request, ticket_id)
    try:
        raw = request.POST.get("problem", "").strip()
        problem = _ticket_by_number(request, raw) if raw else None
        linking.ticket_link_problem(ticket=ticket, problem=problem, acting_user=request.user)
        messages.success(request, _("Problem link saved."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return _back(request, ticket_id)


@require_POST
@staff_required("tickets.change")
def ticket_split(request, ticket_id: int, message_id: int):
    ticket = _load(request, ticket_id)
    message = Message.objects.filter(pk=message_id, ticket=ticket).first()
    if message is None:
        raise Http404
    try:
        new = linking.ticket_split(message=message, acting_user=request.user, subject=request.POST.get("subject", ""))
    except ApplicationError as exc:
        flash_error(request, exc)
        return _back(request, ticket_id)
    messages.success(request, _("The message is now ticket #%(number)s.") % {"number": new.number})
    return _back(request, new.pk)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_POST
@staff_required("tickets.change")
def ticket_bulk(request):
    p = request.POST
    ids = [int(i) for i in p.getlist("ticket") if i.isdigit() and len(i) < 18]
    changes: dict = {}
    for field in ("status", "priority"):
        if p.get(field):
            changes[field] = p[field]
    if p.get("assignee_id"):
        changes["assignee_id"] = None if p["assignee_id"] == "none" else p["assignee_id"]
    if p.get("team_id"):
        changes["team_id"] = None if p["team_id"] == "none" else p["team_id"]
    try:
        if p.get("add_tags", "").strip():
            changes["add_tags"] = clean_tags(p["add_tags"])
        if not changes:
            raise ValidationFailed(_("Choose what to change on the selected tickets."))
        count = services.tickets_bulk_update(ticket_ids=ids, acting_user=request.user, changes=changes)
        messages.success(request, _("%(n)s tickets updated.") % {"n": count})
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect(_safe_next(request, reverse("console:ticket_list")))


@require_POST
@staff_required("tickets.view")
def view_save(request):
    p = request.POST
    filters = {k: p.get(k, "") for k in selectors.FILTER_KEYS}
    try:
        view = savedviews.saved_view_create(
            acting_user=request.user, name=p.get("name", ""), filters=filters, shared=p.get("shared") == "on"
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("console:ticket_list")
    messages.success(request, _("View saved."))
    return redirect(f"{reverse('console:ticket_list')}?view={view.pk}")


@require_POST
@staff_required("tickets.view")
def view_delete(request, view_id: int):
    try:
        savedviews.saved_view_delete(acting_user=request.user, view_id=view_id)
        messages.success(request, _("View deleted."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:ticket_list")


@require_http_methods(["GET", "POST"])
@staff_required("tickets.change")
def ticket_new(request):
    """An agent opens a ticket for a customer (a phone call, a visit, or writing to them first)."""
    from postventa.customers.selectors import customer_find_by_reference

    form = {"customer": request.GET.get("customer", "")[:254], "subject": "", "body": "", "channel": "phone",
            "priority": "normal", "type": "question", "author": "customer"}  # fmt: skip
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:200_000] for k in form}
        try:
            customer = customer_find_by_reference(form["customer"][:254])
            ticket = services.ticket_create(
                customer=customer, subject=form["subject"], body=form["body"], channel=form["channel"],
                acting_user=request.user, author_customer=form["author"] != "agent", priority=form["priority"],
                type=form["type"], attachments_in=request.FILES.getlist("files"),
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Ticket #%(number)s opened.") % {"number": ticket.number})
            return _back(request, ticket.pk)
    context = {
        "nav": "tickets",
        "form": form,
        "error": error,
        "channels": [(c, label) for c, label in Channel.choices if c in ("phone", "console", "email", "whatsapp")],
        "priorities": Priority.choices,
        "types": TicketType.choices,
    }
    return render(request, "console/helpdesk/ticket_new.html", context, status=422 if error else 200)
