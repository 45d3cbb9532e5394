"""Reads of the email channel for the console: mailboxes and the inbound log."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from postventa.messaging.email.models import InboundEmail, Mailbox

# Columns the log shows: the raw bytes (possibly megabytes each) stay in the database.
LOG_FIELDS = (
    "id", "mailbox__name", "source", "size", "message_id", "from_address", "subject", "received_at",
    "status", "reason", "error", "attempts", "ticket_id",
)  # fmt: skip


def mailbox_list() -> QuerySet[Mailbox]:
    return Mailbox.objects.annotate(failed_count=Count("inbound_emails", filter=_failed())).order_by(
        "name", "id"
    )


def _failed():
    from django.db.models import Q

    return Q(inbound_emails__status=InboundEmail.Status.FAILED)


def inbound_log(
    *, status: str = "", mailbox_id: int | None = None, before_id: int | None = None, limit: int = 50
):
    """The newest inbound emails first (by id), optionally filtered; `before_id` pages back."""
    qs = InboundEmail.objects.select_related("mailbox").only(*[f for f in LOG_FIELDS if f != "mailbox__name"],
                                                             "mailbox__name")  # fmt: skip
    if status in InboundEmail.Status.values:
        qs = qs.filter(status=status)
    if mailbox_id:
        qs = qs.filter(mailbox_id=mailbox_id)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    rows = list(qs.order_by("-id")[: limit + 1])
    return rows[:limit], (rows[limit - 1].pk if len(rows) > limit else None)


def status_counts() -> dict[str, int]:
    return dict(InboundEmail.objects.values_list("status").annotate(n=Count("id")).order_by())
