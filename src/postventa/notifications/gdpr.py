"""Personal data held by notifications: exported with the customer, blanked when erased."""

from __future__ import annotations

from postventa.notifications.models import Notification


def export_customer(customer) -> list[dict]:
    return [
        {
            "created_at": n.created_at.isoformat(),
            "channel": n.channel,
            "purpose": n.purpose,
            "template": n.template,
            "to": n.to_address,
            "subject": n.subject,
            "status": n.status,
            "sent_at": n.sent_at.isoformat() if n.sent_at else None,
        }
        for n in Notification.objects.filter(customer=customer).order_by("created_at", "id")
    ]


def erase_customer(customer) -> None:
    # Keep the rows (counts, caps, proof of suppression) but drop what identifies the person.
    Notification.objects.filter(customer=customer).update(
        to_address="", subject="", body_text="", body_html=""
    )
