"""Settings > Mailboxes: the email channel's addresses, their IMAP test, and the inbound log."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.messaging.email import imap, selectors, services
from postventa.messaging.email.models import InboundEmail, Mailbox

CHECKBOXES = ("imap_enabled", "imap_ssl", "inbound_smtp_enabled", "is_active")


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _form_data(post) -> dict:
    data = {
        key: (post.get(key) or "").strip()
        for key in ("name", "address", "imap_host", "imap_user", "imap_folder")
    }
    data["imap_folder"] = data["imap_folder"] or "INBOX"
    data["imap_port"] = _int(post.get("imap_port"), 993)
    data["poll_interval_seconds"] = _int(post.get("poll_interval_seconds"), 60)
    data["default_team_id"] = _int(post.get("default_team_id"))
    data["imap_password"] = post.get("imap_password") or ""
    for key in CHECKBOXES:
        data[key] = post.get(key) == "on"
    return data


@staff_required("tickets.manage")
def mailbox_list(request):
    context = {
        "nav": "settings",
        "mailboxes": list(selectors.mailbox_list()),
        "counts": selectors.status_counts(),
    }
    return render_page(request, "console/mailboxes/list.html", context)


@staff_required("tickets.manage")
def mailbox_edit(request, mailbox_id: int | None = None):
    from postventa.accounts.models import Team

    mailbox = get_object_or_404(Mailbox, pk=mailbox_id) if mailbox_id else None
    error = ""
    values = None
    if request.method == "POST":
        values = _form_data(request.POST)
        try:
            saved = services.mailbox_save(acting_user=request.user, mailbox=mailbox, data=values)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Mailbox %(name)s saved.") % {"name": saved.name})
            return redirect("console:mailboxes")
    context = {
        "nav": "settings",
        "mailbox": mailbox,
        "values": values or (vars(mailbox) if mailbox else {"imap_port": 993, "imap_ssl": True, "imap_folder": "INBOX",
                                                              "poll_interval_seconds": 60, "is_active": True}),
        "has_password": bool(mailbox and mailbox.imap_password),
        "teams": list(Team.objects.order_by("name").only("id", "name")),
        "error": error,
    }  # fmt: skip
    return render_page(request, "console/mailboxes/edit.html", context, status=400 if error else 200)


@staff_required("tickets.manage")
@require_POST
def mailbox_test(request, mailbox_id: int):
    mailbox = get_object_or_404(Mailbox, pk=mailbox_id)
    ok, detail = imap.test_connection(mailbox)
    if ok:
        messages.success(request, _("Connected: %(n)s messages in the folder.") % {"n": detail})
    else:
        messages.error(request, _("Connection failed: %(error)s") % {"error": detail})
    return redirect("console:mailbox_edit", mailbox_id=mailbox.pk)


@staff_required("tickets.manage")
def inbound_list(request):
    status = request.GET.get("status", "")
    rows, next_before = selectors.inbound_log(
        status=status, mailbox_id=_int(request.GET.get("mailbox")), before_id=_int(request.GET.get("before"))
    )
    context = {
        "nav": "settings",
        "rows": rows,
        "next_before": next_before,
        "status": status,
        "statuses": InboundEmail.Status.choices,
        "counts": selectors.status_counts(),
    }
    return render_page(
        request, "console/mailboxes/inbound.html", context, partial="console/mailboxes/_inbound_rows.html"
    )


@staff_required("tickets.manage")
@require_POST
def inbound_retry(request, inbound_id: int):
    try:
        status = services.inbound_retry(acting_user=request.user, inbound_id=inbound_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if status == InboundEmail.Status.FAILED:
            messages.error(request, _("The email failed again; see the error."))
        else:
            messages.success(
                request, _("Email processed: %(status)s.") % {"status": InboundEmail.Status(status).label}
            )
    back = request.POST.get("status", "")
    url = reverse("console:mail_inbound")
    return redirect(f"{url}?status={back}" if back in InboundEmail.Status.values else url)
