"""GDPR export of payment plans. Plans are payment records: erasure keeps them (no free text about the person)."""

from __future__ import annotations


def export(customer) -> list[dict]:
    from postventa.aftercare.payment_plans.models import PaymentPlan

    return [
        {
            "number": p.number,
            "principal": str(p.principal),
            "currency": p.currency,
            "status": p.status,
            "instalments": [
                {
                    "sequence": i.sequence,
                    "due_on": i.due_on.isoformat(),
                    "amount": str(i.amount),
                    "status": i.status,
                }
                for i in p.instalments.all()
            ],
        }
        for p in PaymentPlan.objects.filter(customer=customer).prefetch_related("instalments")
    ]


def erase(customer) -> None:
    from postventa.aftercare.payment_plans.models import PaymentPlan

    PaymentPlan.objects.filter(customer=customer).update(notes="")
