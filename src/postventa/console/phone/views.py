"""Log a phone call: the caller is found by number while the agent types; the call lands on a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page
from postventa.customers.normalise import as_pk
from postventa.messaging.phone import selectors, services
from postventa.messaging.phone.models import PhoneCall

FIELDS = ("number", "direction", "duration_minutes", "duration_seconds", "outcome", "notes", "recording_url", "ticket")


def _int(value, default: int | None = 0) -> int | None:
    try:
        return int(str(value).strip()) if str(value or "").strip() else default
    except (TypeError, ValueError):
        return None


def _ticket_url(ticket_id: int) -> str:
    try:
        return reverse("console:ticket_detail", args=[ticket_id])
    except NoReverseMatch:
        return ""


@staff_required("tickets.change")
def call_log(request):
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    errors: dict[str, str] = {}
    values = {"direction": "inbound", "outcome": "answered", "ticket": "", "number": request.GET.get("number", "")}
    if request.method == "POST":
        post = request.POST
        values = {k: post.get(k, "") for k in FIELDS}
        minutes, seconds = _int(post.get("duration_minutes")), _int(post.get("duration_seconds"))
        choice = post.get("ticket", "")
        ticket = None
        if as_pk(choice):
            ticket = Ticket.objects.select_related("customer").filter(pk=as_pk(choice)).first()
            if ticket is not None and not access.can_see(request.user, ticket):
                ticket = None
        try:
            duration = -1 if minutes is None or seconds is None else minutes * 60 + seconds
            call = services.log_call(
                acting_user=request.user, number=post.get("number", ""), direction=post.get("direction", ""),
                duration=duration, outcome=post.get("outcome", ""), notes=post.get("notes", ""),
                recording_url=post.get("recording_url", ""), ticket=ticket, new_ticket=choice == "new",
            )  # fmt: skip
        except ApplicationError as exc:
            errors[exc.extra.get("field") or "form"] = exc.message
        else:
            messages.success(request, _("Call logged on ticket %(token)s.") % {"token": call.ticket.token})
            return redirect(_ticket_url(call.ticket_id) or "console:phone_call_list")
    context = {
        "nav": "phone",
        "values": values,
        "errors": errors,
        "directions": PhoneCall.Direction.choices,
        "outcomes": PhoneCall.Outcome.choices,
        "lookup": selectors.caller_lookup(values.get("number", ""), user=request.user) if values.get("number") else None,
    }
    return render_page(request, "console/phone/log.html", context)


@staff_required("tickets.view")
def caller_lookup(request):
    """HTMX: who calls from this number, and their open tickets to add the call to."""
    number = request.GET.get("number", "")[:40]
    context = {
        "lookup": selectors.caller_lookup(number, user=request.user) if number.strip() else None,
        "values": {"ticket": request.GET.get("ticket", "")},
    }
    return render_page(request, "console/phone/_lookup.html", context)


@staff_required("tickets.view")
def call_list(request):
    from postventa.helpdesk.access import visible_q
    from postventa.helpdesk.models import Ticket

    qs = selectors.call_list().filter(ticket__in=Ticket.objects.filter(visible_q(request.user)).values("pk"))
    try:
        page = keyset_page(qs, cursor=request.GET.get("cursor"), page_size=50)
    except ApplicationError:
        page = keyset_page(qs, cursor=None, page_size=50)
    context = {"nav": "phone", "calls": page.items, "next_cursor": page.next_cursor}
    return render_page(request, "console/phone/list.html", context)
