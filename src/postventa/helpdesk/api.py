"""REST endpoints for tickets (mounted in postventa.api at /api/v1/tickets).

Reads need tickets.view and, for API tokens, the tickets:read scope; writes tickets.change and
tickets:write. Agents only reach the tickets of their teams, unassigned-team ones and their own.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.pagination import keyset_page
from postventa.customers.selectors import customer_get
from postventa.helpdesk import attachments, linking, savedviews, selectors, services
from postventa.helpdesk import schemas as s
from postventa.helpdesk.downloads import file_response
from postventa.helpdesk.models import Message, TicketTag

router = Router(tags=["tickets"])

class ListParams(Schema):
    status: str = ""
    team: str = ""
    assignee: str = ""
    priority: str = ""
    customer_id: str = ""
    channel: str = ""
    tag: str = ""
    type: str = ""
    sla: str = ""
    q: str = ""
    cursor: str | None = None
    page_size: int | None = None


def _page_size(value: int | None) -> int:
    return settings.API_PAGE_SIZE if value is None else value


def _detail(user, ticket_id: int):
    ticket = selectors.ticket_get(user=user, ticket_id=ticket_id)
    ticket.messages_list = selectors.conversation(ticket)
    return ticket


@router.get("/", response=s.TicketPage, summary="List tickets (newest activity first)")
def list_tickets(request, params: Query[ListParams]):
    qs = selectors.ticket_list(user=request.auth, filters=params.dict())
    page = keyset_page(qs, cursor=params.cursor, page_size=_page_size(params.page_size), order_field="updated_at")
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/", response={201: s.TicketDetailOut}, summary="Open a ticket for a customer")
def create_ticket(request, payload: s.TicketIn):
    customer = customer_get(payload.customer_id)
    ticket = services.ticket_create(
        customer=customer,
        subject=payload.subject,
        body=payload.body,
        body_html=payload.body_html,
        channel=payload.channel,
        acting_user=request.auth,
        author_customer=payload.author == "customer",
        priority=payload.priority,
        type=payload.type,
        team_id=payload.team_id,
        assignee_id=payload.assignee_id,
        tags=payload.tags,
        custom_fields=payload.custom_fields,
        order_id=payload.order_id,
        asset_id=payload.asset_id,
        attachment_ids=payload.attachment_ids,
        external_id=payload.external_id,
        acknowledge=payload.acknowledge,
    )
    return Status(201, _detail(request.auth, ticket.pk))


@router.get("/tags", response=list[s.TagOut], summary="Every ticket tag in use")
def list_tags(request):
    from postventa.core.permissions import require

    require(request.auth, "tickets.view")
    return list(TicketTag.objects.order_by("name")[:1000])


@router.get("/views", response=list[s.SavedViewOut], summary="Your saved views and the shared ones")
def list_views(request):
    from postventa.core.permissions import require

    require(request.auth, "tickets.view")
    return list(selectors.saved_views_for(request.auth))


@router.post("/views", response={201: s.SavedViewOut}, summary="Save a view (shared needs tickets.manage)")
def create_view(request, payload: s.SavedViewIn):
    view = savedviews.saved_view_create(
        acting_user=request.auth, name=payload.name, filters=payload.filters, shared=payload.shared
    )
    return Status(201, view)


@router.patch("/views/{int:view_id}", response=s.SavedViewOut, summary="Rename, re-filter or move a view")
def update_view(request, view_id: int, payload: s.SavedViewPatch):
    return savedviews.saved_view_update(acting_user=request.auth, view_id=view_id, **payload.dict(exclude_unset=True))


@router.delete("/views/{int:view_id}", response={204: None}, summary="Delete a view")
def delete_view(request, view_id: int):
    savedviews.saved_view_delete(acting_user=request.auth, view_id=view_id)
    return Status(204, None)


@router.post("/bulk", response=s.BulkOut, summary="Apply the same change to many tickets")
def bulk_update(request, payload: s.BulkIn):
    changes = payload.changes.dict(exclude_unset=True)
    if not changes:
        raise ValidationFailed(_("Say what to change."), code="nothing_to_change")
    count = services.tickets_bulk_update(ticket_ids=payload.ticket_ids, acting_user=request.auth, changes=changes)
    return {"updated": count}


@router.get("/attachments/{int:attachment_id}", url_name="ticket_attachment_download", summary="Download a file")
def download_attachment(request, attachment_id: int):
    attachment = attachments.attachment_for_download(attachment_id=attachment_id, user=request.auth)
    return file_response(attachment)


@router.get("/{int:ticket_id}", response=s.TicketDetailOut, summary="A ticket with its conversation")
def get_ticket(request, ticket_id: int):
    return _detail(request.auth, ticket_id)


@router.patch("/{int:ticket_id}", response=s.TicketOut, summary="Change a ticket's fields")
def update_ticket(request, ticket_id: int, payload: s.TicketPatch):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ValidationFailed(_("Say what to change."), code="nothing_to_change")
    services.ticket_update(ticket=ticket, acting_user=request.auth, changes=changes)
    return selectors.ticket_get(user=request.auth, ticket_id=ticket_id)


@router.get("/{int:ticket_id}/messages", response=s.MessagePage, summary="A ticket's messages, newest first")
def list_messages(request, ticket_id: int, cursor: str | None = None, page_size: int | None = None):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    qs = (
        Message.objects.filter(ticket=ticket)
        .select_related("author_user", "author_customer")
        .prefetch_related("attachments", "mentions")
    )
    page = keyset_page(qs, cursor=cursor, page_size=_page_size(page_size))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/{int:ticket_id}/messages", response={201: s.MessageOut}, summary="Reply to the customer or add a note")
def add_message(request, ticket_id: int, payload: s.MessageIn):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    if payload.kind == "note":
        message = services.add_note(
            ticket=ticket, acting_user=request.auth, body=payload.body, body_html=payload.body_html,
            attachment_ids=payload.attachment_ids,
        )  # fmt: skip
    else:
        message = services.reply(
            ticket=ticket, acting_user=request.auth, body=payload.body, body_html=payload.body_html,
            attachment_ids=payload.attachment_ids, status=None if payload.status == "keep" else payload.status,
        )  # fmt: skip
    return Status(201, message)


@router.post(
    "/{int:ticket_id}/attachments", response={201: s.AttachmentOut},
    summary="Upload a file (multipart) to send with the next reply or note",
)  # fmt: skip
def upload_attachment(request, ticket_id: int, file: File[UploadedFile]):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    return Status(201, attachments.attachment_upload(ticket=ticket, acting_user=request.auth, file=file))


@router.put("/{int:ticket_id}/tags", response=s.TicketOut, summary="Replace a ticket's tags")
def set_tags(request, ticket_id: int, payload: s.TagsIn):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    services.ticket_update(ticket=ticket, acting_user=request.auth, changes={"tags": payload.tags})
    return selectors.ticket_get(user=request.auth, ticket_id=ticket_id)


@router.post("/{int:ticket_id}/claim", response=s.TicketOut, summary="Assign the ticket to yourself")
def claim(request, ticket_id: int):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    services.ticket_claim(ticket=ticket, acting_user=request.auth)
    return selectors.ticket_get(user=request.auth, ticket_id=ticket_id)


@router.post("/{int:ticket_id}/merge", response=s.TicketOut, summary="Merge this ticket into another")
def merge(request, ticket_id: int, payload: s.MergeIn):
    source = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    target = selectors.ticket_get(user=request.auth, ticket_id=payload.target_id)
    linking.ticket_merge(source=source, target=target, acting_user=request.auth)
    return selectors.ticket_get(user=request.auth, ticket_id=target.pk)


@router.post("/{int:ticket_id}/split", response={201: s.TicketOut}, summary="Move a customer message into a new ticket")
def split(request, ticket_id: int, payload: s.SplitIn):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    message = Message.objects.filter(pk=payload.message_id, ticket=ticket).first()
    if message is None:
        raise NotFound(_("That message does not exist."))
    new = linking.ticket_split(message=message, acting_user=request.auth, subject=payload.subject)
    return Status(201, selectors.ticket_get(user=request.auth, ticket_id=new.pk))


@router.put("/{int:ticket_id}/problem", response=s.TicketOut, summary="Link to a problem ticket (null unlinks)")
def link_problem(request, ticket_id: int, payload: s.ProblemIn):
    ticket = selectors.ticket_get(user=request.auth, ticket_id=ticket_id)
    problem = selectors.ticket_get(user=request.auth, ticket_id=payload.problem_id) if payload.problem_id else None
    linking.ticket_link_problem(ticket=ticket, problem=problem, acting_user=request.auth)
    return selectors.ticket_get(user=request.auth, ticket_id=ticket_id)

