"""/api/v1/whatsapp: the Cloud API webhook (GET handshake, POST notifications) and template sends.

The webhook has no API token (Meta cannot send one): GET is checked by the verify token, POST
by the X-Hub-Signature-256 HMAC of the raw body.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from postventa.core.errors import NotFound, ValidationFailed
from postventa.customers.normalise import as_pk
from postventa.messaging.whatsapp import inbound, selectors, services
from postventa.messaging.whatsapp.models import InboundWhatsApp
from postventa.messaging.whatsapp.schemas import InboundOut, InboundPage, SentOut, TemplateOut, TemplateSendIn

router = Router(tags=["whatsapp"])


@router.get("/webhook", auth=None, include_in_schema=False)
def webhook_verify(request: HttpRequest):
    challenge = inbound.verify_subscription(
        mode=request.GET.get("hub.mode", ""),
        token=request.GET.get("hub.verify_token", ""),
        challenge=request.GET.get("hub.challenge", ""),
    )
    if challenge is None:
        return JsonResponse({"detail": _("The verify token does not match."), "code": "forbidden"}, status=403)
    return HttpResponse(challenge, content_type="text/plain")


@router.post("/webhook", auth=None, include_in_schema=False)
def webhook_receive(request: HttpRequest):
    try:
        row = services.webhook_receive(raw=request.body, signature=request.headers.get("X-Hub-Signature-256"))
    except inbound.SignatureMissing:
        return JsonResponse({"detail": _("The request is not signed."), "code": "unauthorized"}, status=401)
    except inbound.SignatureInvalid:
        return JsonResponse({"detail": _("The signature does not match."), "code": "forbidden"}, status=403)
    if row.status == InboundWhatsApp.Status.FAILED and not inbound.is_json(request.body):
        return JsonResponse({"detail": row.error, "code": "bad_json"}, status=400)
    # Stored and queued ("received"): the worker processes it. Answering 200 at once stops
    # Meta's redelivery storm; processing failures are kept for an admin to retry.
    return JsonResponse({"status": row.status, "id": row.pk})


@router.get("/templates", response=list[TemplateOut])
def template_list(request: HttpRequest):
    from postventa.core.permissions import require

    require(request.auth, "tickets.view")
    return list(selectors.templates_for(selectors.account_current(), active_only=True))


@router.post("/templates/{template_id}/send", response={201: SentOut})
def template_send(request: HttpRequest, template_id: int, data: TemplateSendIn):
    from postventa.customers.models import Customer
    from postventa.helpdesk import access
    from postventa.helpdesk.models import Ticket

    template = selectors.template_get(template_id)
    ticket = customer = None
    if data.ticket_id is not None:
        ticket = Ticket.objects.select_related("customer").filter(pk=as_pk(data.ticket_id) or 0).first()
        if ticket is None:
            raise NotFound(_("That ticket does not exist."))
        access.require_view(request.auth, ticket)
    elif data.customer_id is not None:
        customer = Customer.objects.filter(pk=as_pk(data.customer_id) or 0).first()
        if customer is None:
            raise NotFound(_("That customer does not exist."))
    else:
        raise ValidationFailed(_("Choose a ticket or a customer to write to."), code="recipient_missing")
    message = services.send_template(
        template=template, params=data.params, acting_user=request.auth, ticket=ticket, customer=customer
    )
    return Status(201, {"message_id": message.pk, "ticket_id": message.ticket_id, "ticket_number": message.ticket.number})


@router.get("/inbound", response=InboundPage)
def inbound_list(request: HttpRequest, status: str = "", cursor: str | None = None, page_size: int = 50):
    """The raw inbound log (dead letters with status=failed), newest first."""
    from postventa.core.pagination import keyset_page
    from postventa.core.permissions import require

    require(request.auth, "tickets.manage")
    if status and status not in InboundWhatsApp.Status.values:
        raise ValidationFailed(_("Unknown status %(status)s.") % {"status": status[:40]}, code="bad_status")
    page = keyset_page(selectors.inbound_list(status=status), cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/inbound/{inbound_id}/retry", response=InboundOut)
def inbound_retry(request: HttpRequest, inbound_id: int):
    return services.inbound_retry(acting_user=request.auth, inbound_id=inbound_id)
