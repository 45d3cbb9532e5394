"""Interest-free payment plans: reads, and the plan's terms in plain language."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from postventa.aftercare.payment_plans.models import Instalment, PaymentPlan
from postventa.core.errors import NotFound
from postventa.core.money import format_money

MAX_ID = 2**62


def plan_list(
    *,
    status: str | None = None,
    customer_id: int | None = None,
    repair_id: int | None = None,
    overdue: bool = False,
) -> QuerySet[PaymentPlan]:
    qs = PaymentPlan.objects.select_related("customer", "repair", "order")
    if status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if repair_id:
        qs = qs.filter(repair_id=repair_id)
    if overdue:
        qs = qs.filter(instalments__status=Instalment.Status.OVERDUE).distinct()
    return qs


def plan_get(plan_id: int, *, customer_id: int | None = None) -> PaymentPlan:
    qs = PaymentPlan.objects.select_related("customer", "repair", "order", "created_by")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    plan = qs.filter(pk=plan_id).first() if 0 < int(plan_id) < MAX_ID else None
    if plan is None:
        raise NotFound(_("That payment plan does not exist."), code="plan_not_found")
    return plan


def plan_by_number(number: str, *, customer_id: int | None = None) -> PaymentPlan:
    qs = PaymentPlan.objects.select_related("customer", "repair", "order")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    plan = qs.filter(number=number).first()
    if plan is None:
        raise NotFound(_("That payment plan does not exist."), code="plan_not_found")
    return plan


def instalments(plan: PaymentPlan) -> list[Instalment]:
    return list(plan.instalments.select_related("recorded_by").order_by("sequence"))


def progress(plan: PaymentPlan, rows: list[Instalment] | None = None) -> dict:
    rows = instalments(plan) if rows is None else rows
    paid = sum((r.amount for r in rows if r.status == Instalment.Status.PAID), Decimal("0.00"))
    return {
        "paid": paid,
        "outstanding": plan.principal - paid,
        "paid_count": sum(1 for r in rows if r.status == Instalment.Status.PAID),
        "overdue_count": sum(1 for r in rows if r.status == Instalment.Status.OVERDUE),
        "next": next((r for r in rows if r.status != Instalment.Status.PAID), None),
    }


def terms_text(
    plan: PaymentPlan, rows: list[Instalment] | None = None, *, language: str | None = None
) -> str:
    """E.g. "12 plazos de 41,67 €; 0 % de interés; sin recargos por retraso"."""
    rows = instalments(plan) if rows is None else rows
    language = language or translation.get_language() or "es"
    with translation.override(language):
        amounts = Counter(r.amount for r in rows)
        n = len(rows)
        if len(amounts) == 1:
            (amount,) = amounts
            head = ngettext("%(n)s instalment of %(amount)s", "%(n)s instalments of %(amount)s", n) % {
                "n": n,
                "amount": format_money(amount, plan.currency, language),
            }
        else:
            pieces = [
                ngettext("%(n)s of %(amount)s", "%(n)s of %(amount)s", count)
                % {"n": count, "amount": format_money(amount, plan.currency, language)}
                for amount, count in sorted(amounts.items(), key=lambda kv: -kv[0])
            ]
            head = (
                ngettext("%(n)s instalment", "%(n)s instalments", n) % {"n": n}
                + ": "
                + _(" and ").join(pieces)
            )
        return head + "; " + _("0 % interest; no charges for late payment")


def notification_context(plan: PaymentPlan, inst: Instalment, *, days_left: int) -> dict:
    from postventa.notifications.rendering import language_for

    language = language_for(plan.customer)
    return {
        "first_name": plan.customer.first_name,
        "plan_number": plan.number,
        "sequence": inst.sequence,
        "count": plan.instalment_count,
        "amount": format_money(inst.amount, plan.currency, language),
        "due_on": inst.due_on,
        "days_left": days_left,
        "terms": terms_text(plan, language=language),
        "portal_url": f"{settings.BASE_URL}{reverse('portal:payment_plan_detail', kwargs={'number': plan.number})}",
    }
