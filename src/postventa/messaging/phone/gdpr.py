"""What the phone channel holds about a customer: the calls logged with them."""

from __future__ import annotations

ERASED = "[erased]"


def export_calls(customer) -> list[dict]:
    from postventa.messaging.phone.models import PhoneCall

    return [
        {
            "at": c.created_at.isoformat(),
            "direction": c.direction,
            "number": c.number,
            "duration_seconds": c.duration_seconds,
            "outcome": c.outcome,
            "notes": c.notes,
        }
        for c in PhoneCall.objects.filter(customer_id=customer.pk)
    ]


def erase_calls(customer) -> None:
    from postventa.messaging.phone.models import PhoneCall

    PhoneCall.objects.filter(customer_id=customer.pk).update(number=ERASED, notes="", recording_url="")


def move_calls(source, target) -> int:
    from postventa.messaging.phone.models import PhoneCall

    return PhoneCall.objects.filter(customer=source).update(customer=target)
