"""Live chat in the console: the open chats list and the widget settings (with the embed snippet)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.permissions import can
from postventa.messaging.chat import selectors, services
from postventa.messaging.chat.models import ChatSession, WidgetConfig
from postventa.messaging.chat.snippets import snippet, socket_url


@staff_required("tickets.view")
def live_chats(request):
    from postventa.helpdesk.services import ticket_link

    sessions = list(selectors.live_sessions(request.user)[:200])
    for session in sessions:
        session.link = ticket_link(session.ticket)
    context = {
        "nav": "chat",
        "sessions": sessions,
        "socket_url": socket_url(request),
        "can_manage": can(request.user, "tickets.manage"),
    }
    return render_page(request, "console/chat/live.html", context, partial="console/chat/_live_rows.html")


@staff_required("tickets.view")
def conversation(request, session_id: int):
    """One chat, answered from here over the socket (the ticket page can include the same panel)."""
    from django.http import Http404

    from postventa.helpdesk import access
    from postventa.helpdesk.services import ticket_link

    session = get_object_or_404(ChatSession.objects.select_related("ticket", "customer"), pk=session_id)
    if session.ticket is None or not access.can_see(request.user, session.ticket):
        raise Http404
    services.mark_read(session_id=session.pk)
    context = {
        "nav": "chat",
        "session": session,
        "ticket": session.ticket,
        "ticket_url": ticket_link(session.ticket),
        "history": selectors.history(session),
    }
    return render_page(request, "console/chat/conversation.html", context)


@staff_required("tickets.manage")
def widget_list(request):
    widgets = list(WidgetConfig.objects.prefetch_related("teams").select_related("calendar"))
    for widget in widgets:
        widget.snippet = snippet(widget, request)
    return render_page(request, "console/chat/widgets.html", {"nav": "settings", "widgets": widgets})


@staff_required("tickets.manage")
def widget_edit(request, widget_id: int | None = None):
    from postventa.accounts.models import Team
    from postventa.core.models import BusinessCalendar

    widget = get_object_or_404(WidgetConfig, pk=widget_id) if widget_id else None
    error = ""
    if request.method == "POST":
        data = {
            "name": request.POST.get("name", ""),
            "allowed_origins": request.POST.get("allowed_origins", ""),
            "greeting_es": request.POST.get("greeting_es", ""),
            "greeting_en": request.POST.get("greeting_en", ""),
            "colour": request.POST.get("colour", ""),
            "offline_form_enabled": request.POST.get("offline_form_enabled") == "on",
            "is_active": request.POST.get("is_active") == "on",
            "calendar_id": _int(request.POST.get("calendar")),
        }
        team_ids = [t for t in (_int(v) for v in request.POST.getlist("teams")) if t]
        try:
            widget = services.widget_save(
                acting_user=request.user, data=data, widget=widget, team_ids=team_ids
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Chat widget saved."))
            return redirect("console:chat_widget_edit", widget.pk)
    context = {
        "nav": "settings",
        "widget": widget,
        "error": error,
        "post": request.POST if error else None,
        "teams": Team.objects.order_by("name"),
        "selected_teams": set(widget.teams.values_list("pk", flat=True)) if widget else set(),
        "calendars": BusinessCalendar.objects.order_by("name"),
        "snippet": snippet(widget, request) if widget else "",
        "online": selectors.widget_online(widget) if widget else False,
    }
    return render_page(request, "console/chat/widget_form.html", context, status=400 if error else 200)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
