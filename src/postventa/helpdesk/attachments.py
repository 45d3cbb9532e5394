"""Storing ticket attachments through Django storage, within the size and type limits.

Files arrive either with a message (a channel passes `IncomingFile`s or uploaded files to
receive_message) or ahead of it (the composer uploads first, then sends the reply with the ids:
a "staged" attachment with no message yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound, ValidationFailed
from postventa.helpdesk import access
from postventa.helpdesk.content import MAX_ATTACHMENTS_PER_MESSAGE, IncomingFile, normalise_upload
from postventa.helpdesk.models import Attachment, Message, Ticket


def _parts(item: Any) -> tuple[str, str, int, Any]:
    """(filename, content type, size, file-like or bytes) of an IncomingFile or an UploadedFile."""
    if isinstance(item, IncomingFile):
        return item.filename, item.content_type, len(item.content or b""), item.content
    name = getattr(item, "name", "") or ""
    size = getattr(item, "size", None)
    if size is None:
        raise ValidationFailed(_("The attachment could not be read."), code="attachment_invalid")
    return name, getattr(item, "content_type", "") or "", int(size), item


def store(
    *, ticket: Ticket, item: Any, message: Message | None = None, user=None, customer=None
) -> Attachment:
    """Validate and save one file for `ticket` (no permission check: callers do it)."""
    filename, content_type, size, data = _parts(item)
    name, ctype = normalise_upload(filename, content_type, size)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        filename=name,
        content_type=ctype,
        size=size,
        uploaded_by_user=user if getattr(user, "pk", None) else None,
        uploaded_by_customer=customer,
        created_at=timezone.now(),
    )
    content = ContentFile(data, name=name) if isinstance(data, bytes) else data
    attachment.file.save(name, content, save=False)
    attachment.save()
    return attachment


def validate_batch(items: Iterable[Any]) -> list[Any]:
    """Check every file before any is written, so a bad one rejects the whole message."""
    items = list(items or [])
    if len(items) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationFailed(
            _("At most %(n)s files can be attached to one message.") % {"n": MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many_attachments",
        )
    for item in items:
        filename, content_type, size, _data = _parts(item)
        normalise_upload(filename, content_type, size)
    return items


def store_all(*, ticket: Ticket, message: Message, items: Iterable[Any], user=None, customer=None) -> list[Attachment]:
    return [store(ticket=ticket, item=i, message=message, user=user, customer=customer) for i in items]


def bind_staged(*, ticket: Ticket, message: Message, attachment_ids: Iterable[int], user=None, customer=None) -> int:
    """Attach earlier uploads (same ticket, same uploader, not yet sent) to `message`."""
    ids = sorted({int(i) for i in attachment_ids or []})
    if not ids:
        return 0
    if any(i < 1 or i > 2**62 for i in ids):
        raise ValidationFailed(_("One of the attachments does not belong to this ticket or was already sent."), code="attachment_unknown")
    if len(ids) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationFailed(_("Too many attachments."), code="too_many_attachments")
    qs = Attachment.objects.filter(pk__in=ids, ticket=ticket, message__isnull=True)
    if user is not None:
        qs = qs.filter(uploaded_by_user=user)
    if customer is not None:
        qs = qs.filter(uploaded_by_customer=customer)
    if qs.count() != len(ids):
        raise ValidationFailed(
            _("One of the attachments does not belong to this ticket or was already sent."),
            code="attachment_unknown",
        )
    return qs.update(message=message)


@transaction.atomic
def attachment_upload(*, ticket: Ticket, acting_user, file: Any) -> Attachment:
    """A staff member uploads a file to send with their next reply or note."""
    access.require_change(acting_user, ticket)
    return store(ticket=ticket, item=file, user=acting_user)


def attachment_for_download(*, attachment_id: int, user=None, customer=None) -> Attachment:
    """The attachment if the staff `user` (or the portal `customer`) may read it, else NotFound.

    Customers never get files of internal notes, nor of other customers' tickets.
    """
    attachment = (
        Attachment.objects.select_related("ticket", "message").filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise NotFound(_("That file does not exist."))
    if customer is not None:
        message = attachment.message
        if (
            attachment.ticket.customer_id != customer.pk
            or message is None and attachment.uploaded_by_customer_id != customer.pk
            or message is not None and message.kind != Message.Kind.PUBLIC_REPLY
        ):
            raise NotFound(_("That file does not exist."))
        return attachment
    if user is None:
        raise NotFound(_("That file does not exist."))
    access.require_view(user, attachment.ticket)
    return attachment
