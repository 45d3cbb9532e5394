"""Settings > WhatsApp: the Cloud API account, the webhook to paste into Meta, templates, inbound log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError, NotFound
from postventa.core.pagination import keyset_page
from postventa.messaging.whatsapp import selectors, services
from postventa.messaging.whatsapp.models import InboundWhatsApp, WhatsAppTemplate

ACCOUNT_FIELDS = ("name", "phone_number_id", "display_phone_number", "verify_token", "base_url", "api_version")


def _teams():
    from postventa.accounts.models import Team

    return list(Team.objects.order_by("name"))


def _int_or_none(value) -> int | None:
    from postventa.customers.normalise import as_pk

    return as_pk(value) if value else None


@staff_required("tickets.manage")
def whatsapp_settings(request):
    account = selectors.account_current()
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        try:
            account = services.account_save(
                acting_user=request.user, account=account, name=post.get("name", ""),
                phone_number_id=post.get("phone_number_id", ""), display_phone_number=post.get("display_phone_number", ""),
                access_token=post.get("access_token", ""), app_secret=post.get("app_secret", ""),
                verify_token=post.get("verify_token", ""), base_url=post.get("base_url", ""),
                api_version=post.get("api_version", ""), default_team_id=_int_or_none(post.get("default_team")),
                is_active=post.get("is_active") == "on",
            )  # fmt: skip
        except ApplicationError as exc:
            errors[exc.extra.get("field") or "form"] = exc.message
            values = {k: post.get(k, "") for k in ACCOUNT_FIELDS}
            values.update(default_team=post.get("default_team", ""), is_active=post.get("is_active") == "on")
        else:
            messages.success(request, _("WhatsApp settings saved."))
            return redirect("console:whatsapp_settings")
    else:
        values = {k: getattr(account, k, "") for k in ACCOUNT_FIELDS} if account else {
            "base_url": "https://graph.facebook.com", "api_version": "v21.0", "verify_token": services.new_verify_token(),
        }  # fmt: skip
        values.update(
            default_team=str(account.default_team_id or "") if account else "",
            is_active=account.is_active if account else True,
        )
    context = {
        "nav": "settings",
        "account": account,
        "values": values,
        "errors": errors,
        "teams": _teams(),
        "webhook_url": request.build_absolute_uri("/api/v1/whatsapp/webhook"),
        "templates": list(selectors.templates_for(account)),
        "categories": WhatsAppTemplate.Category.choices,
        "failed_count": InboundWhatsApp.objects.filter(status=InboundWhatsApp.Status.FAILED).count(),
    }
    return render_page(request, "console/whatsapp/settings.html", context)


@require_POST
@staff_required("tickets.manage")
def template_create(request):
    account = selectors.account_current()
    if account is None:
        messages.error(request, _("Connect the WhatsApp account first."))
        return redirect("console:whatsapp_settings")
    post = request.POST
    try:
        template = services.template_save(
            acting_user=request.user, account=account, name=post.get("name", ""), language=post.get("language", ""),
            category=post.get("category", ""), body=post.get("body", ""),
        )  # fmt: skip
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Template %(name)s added.") % {"name": template.name})
    return redirect("console:whatsapp_settings")


def _template(template_id: int) -> WhatsAppTemplate:
    try:
        return selectors.template_get(template_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_POST
@staff_required("tickets.manage")
def template_delete(request, template_id: int):
    template = _template(template_id)
    services.template_delete(acting_user=request.user, template=template)
    messages.success(request, _("Template %(name)s removed.") % {"name": template.name})
    return redirect("console:whatsapp_settings")


def _ticket_url(ticket_id: int) -> str:
    try:
        return reverse("console:ticket_detail", args=[ticket_id])
    except NoReverseMatch:
        return ""


@staff_required("tickets.change")
def template_pick(request):
    """Choose a template for a ticket or customer (?ticket= or ?customer=): the ticket workspace links here."""
    ticket_id = _int_or_none(request.GET.get("ticket"))
    customer_id = _int_or_none(request.GET.get("customer"))
    if not ticket_id and not customer_id:
        raise Http404(_("Choose a ticket or a customer to write to."))
    context = {
        "nav": "settings",
        "templates": list(selectors.templates_for(selectors.account_current(), active_only=True)),
        "query": f"ticket={ticket_id}" if ticket_id else f"customer={customer_id}",
    }
    return render_page(request, "console/whatsapp/pick.html", context)


@staff_required("tickets.change")
def template_send(request, template_id: int):
    """Send a template to a ticket's customer (or a customer): the way back after 24 hours."""
    from postventa.customers.models import Customer
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    template = _template(template_id)
    ticket_id = _int_or_none(request.GET.get("ticket") or request.POST.get("ticket"))
    customer_id = _int_or_none(request.GET.get("customer") or request.POST.get("customer"))
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first() if ticket_id else None
    if ticket is not None and not access.can_see(request.user, ticket):
        ticket = None
    customer = ticket.customer if ticket else (Customer.objects.filter(pk=customer_id).first() if customer_id else None)
    if customer is None:
        raise Http404(_("Choose a ticket or a customer to write to."))
    count = template.placeholder_count
    params = [request.POST.get(f"param{i}", "") for i in range(1, count + 1)]
    error = ""
    if request.method == "POST":
        try:
            message = services.send_template(
                template=template, params=params, acting_user=request.user, ticket=ticket,
                customer=None if ticket else customer,
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Template sent: it goes out in a moment."))
            url = _ticket_url(message.ticket_id)
            return redirect(url or "console:whatsapp_settings")
    context = {
        "nav": "settings",
        "template": template,
        "ticket": ticket,
        "customer": customer,
        "fields": [{"n": i + 1, "value": params[i]} for i in range(count)],
        "error": error,
    }
    return render_page(request, "console/whatsapp/send.html", context)


@staff_required("tickets.manage")
def inbound_log(request):
    status = request.GET.get("status", "")
    try:
        page = keyset_page(selectors.inbound_list(status=status), cursor=request.GET.get("cursor"), page_size=50)
    except ApplicationError:
        page = keyset_page(selectors.inbound_list(status=status), cursor=None, page_size=50)
    context = {
        "nav": "settings",
        "rows": page.items,
        "next_cursor": page.next_cursor,
        "status": status,
        "statuses": InboundWhatsApp.Status.choices,
    }
    return render_page(request, "console/whatsapp/inbound.html", context)


@staff_required("tickets.manage")
def inbound_detail(request, inbound_id: int):
    row = InboundWhatsApp.objects.filter(pk=inbound_id).first()
    if row is None:
        raise Http404(_("That payload does not exist."))
    return render_page(request, "console/whatsapp/inbound_detail.html", {"nav": "settings", "row": row})


@require_POST
@staff_required("tickets.manage")
def inbound_retry(request, inbound_id: int):
    try:
        row = services.inbound_retry(acting_user=request.user, inbound_id=inbound_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        if row.status == InboundWhatsApp.Status.FAILED:
            messages.error(request, _("Still failing: %(error)s") % {"error": row.error[:300]})
        else:
            messages.success(request, _("Payload processed again."))
    return redirect("console:whatsapp_inbound_detail", inbound_id)
