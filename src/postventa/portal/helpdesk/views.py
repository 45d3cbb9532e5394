"""The customer's own requests in the portal: magic-link sign-in, my tickets, reply, new request.

A customer only ever reaches their own tickets: every lookup goes through the signed-in
customer (portal_auth.portal_customer), and another customer's ticket is a plain 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from postventa.core.errors import ApplicationError, NotFound, RateLimited
from postventa.core.ratelimit import client_identity, hit
from postventa.helpdesk import attachments, portal_auth, selectors
from postventa.helpdesk.downloads import file_response
from postventa.helpdesk.services import receive_message
from postventa.portal.auth import customer_required

HONEYPOT = "website"


def _form_rate() -> int:
    return int(getattr(settings, "HELPDESK_FORM_RATE_PER_MINUTE", 5))


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request):
    if request.method == "GET":
        return render(request, "portal/helpdesk/login.html", {"email": ""})
    email = request.POST.get("email", "").strip()[:254]
    try:
        hit("portal_login_ip", client_identity(request), limit=settings.PUBLIC_RATE_LIMIT_PER_MINUTE)
        # Per address too, so nobody floods one customer's inbox from many machines.
        hit("portal_login_email", email.lower(), limit=3, window_seconds=900)
    except RateLimited as exc:
        return render(
            request, "portal/helpdesk/login.html", {"email": email, "error": exc.message}, status=429
        )
    portal_auth.portal_login_request(email=email)
    # The same answer whether or not the address belongs to a customer.
    return render(request, "portal/helpdesk/login_sent.html", {"email": email})


@never_cache
@require_http_methods(["GET", "POST"])
def login_link(request, token: str):
    """GET shows a button; only the POST spends the link, so mail scanners that open links do not."""
    if request.method == "GET":
        return render(request, "portal/helpdesk/login_confirm.html", {"token": token[:200]})
    try:
        hit("portal_login_link", client_identity(request), limit=settings.PUBLIC_RATE_LIMIT_PER_MINUTE)
    except RateLimited as exc:
        return render(request, "portal/helpdesk/login.html", {"error": exc.message}, status=429)
    customer = portal_auth.portal_login_consume(secret=token[:200])
    if customer is None:
        return render(request, "portal/helpdesk/login.html", {"expired": True}, status=400)
    request.session.cycle_key()  # a fresh session id: nobody who knew the old one is signed in
    request.session[portal_auth.SESSION_KEY] = customer.pk
    return redirect("portal:help_tickets")


@require_POST
def logout(request):
    request.session.pop(portal_auth.SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("portal:help_login")


@never_cache
@customer_required
def ticket_list(request):
    customer = request.portal_customer
    tickets = list(selectors.portal_tickets(customer)[:100])
    return render(request, "portal/helpdesk/ticket_list.html", {"customer": customer, "tickets": tickets})


def _load(request, number: int):
    try:
        return selectors.portal_ticket(request.portal_customer, number)
    except NotFound:
        raise Http404


@never_cache
@require_http_methods(["GET", "POST"])
@customer_required
def ticket_detail(request, number: int):
    customer = request.portal_customer
    ticket = _load(request, number)
    error = None
    if request.method == "POST":
        body = request.POST.get("body", "")[:200_000]
        try:
            hit("portal_reply", f"customer:{customer.pk}", limit=_form_rate() * 2)
            target, _message, _created = receive_message(
                customer=customer, channel="web_form", body_text=body, ticket=ticket,
                attachments_in=request.FILES.getlist("files"), acknowledge=True,
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("portal:help_ticket", number=target.number)
    context = {
        "customer": customer,
        "ticket": ticket,
        "conversation": selectors.conversation(ticket, public_only=True),
        "error": error,
        "draft": request.POST.get("body", "")[:200_000] if error else "",
    }
    return render(request, "portal/helpdesk/ticket_detail.html", context, status=422 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    """The web form channel: signed-in customers, or anyone with a name and an email address."""
    from postventa.customers.services import customer_identify

    customer = portal_auth.portal_customer(request.session)
    form = {"name": "", "email": "", "subject": "", "body": ""}
    if request.method == "GET":
        return render(request, "portal/helpdesk/ticket_new.html", {"form": form, "customer": customer})
    form = {k: request.POST.get(k, "").strip()[: 200_000 if k == "body" else 254] for k in form}
    if request.POST.get(HONEYPOT):
        # A bot filled the invisible field: look successful, keep nothing.
        return render(request, "portal/helpdesk/ticket_sent.html", {"ticket": None})
    try:
        hit("portal_form", client_identity(request), limit=_form_rate())
        if customer is None:
            if not form["email"]:
                raise ApplicationError(_("Enter your email address so we can answer you."))
            first, _sep, last = form["name"].partition(" ")
            customer, _created = customer_identify(email=form["email"], first_name=first[:120], last_name=last[:160],
                                                   language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("es", "en") else "es")  # fmt: skip
        ticket, _message, _created = receive_message(
            customer=customer, channel="web_form", subject=form["subject"], body_text=form["body"],
            attachments_in=request.FILES.getlist("files"),
        )  # fmt: skip
    except ApplicationError as exc:
        status = 429 if isinstance(exc, RateLimited) else 422
        return render(request, "portal/helpdesk/ticket_new.html",
                      {"form": form, "customer": portal_auth.portal_customer(request.session), "error": exc.message},
                      status=status)  # fmt: skip
    return render(
        request,
        "portal/helpdesk/ticket_sent.html",
        {"ticket": ticket, "signed_in": portal_auth.portal_customer(request.session) is not None},
    )


@customer_required
def attachment_download(request, attachment_id: int):
    try:
        attachment = attachments.attachment_for_download(
            attachment_id=attachment_id, customer=request.portal_customer
        )
        return file_response(attachment)
    except NotFound:
        raise Http404
