"""Which lines of an order can be returned, until when, and why: one plain sentence per line.

The day facts are counted in the customer's time zone: an order delivered on 25 November
(in Madrid) can be withdrawn from until the end of 9 December, whatever UTC says.

    for line in order_eligibility(order):
        line.eligible, line.returnable_quantity, line.sentence
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_date
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from postventa.aftercare.returns.models import CategoryRule, ReturnLine, ReturnPolicy, ReturnStatus


@dataclass
class LineEligibility:
    """The answer for one order line."""

    line: object  # orders.OrderLine
    bought: int
    already_returned: int
    returnable_quantity: int
    eligible: bool
    code: str
    sentence: str
    window_ends_on: dt.date | None = None
    within_withdrawal: bool = False
    condition: str = ""

    @property
    def unit_price(self) -> Decimal:
        return self.line.unit_price


def active_policy() -> ReturnPolicy:
    """The active policy, or an unsaved legal minimum when none is configured."""
    # order_by(): no ORDER BY to compile or run; at most one row is active (a unique constraint).
    policy = next(iter(ReturnPolicy.objects.filter(is_active=True).order_by()[:1]), None)
    if policy is None:
        policy = ReturnPolicy(name=_("Legal minimum"), business_window_days=14, auto_approve=False)
    return policy


def customer_zone(customer) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(customer.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def format_day(day: dt.date, language: str | None = None, *, today: dt.date | None = None) -> str:
    """'9 de diciembre' / '9 December'; the year only when it is not the year of `today`."""
    language = (language or get_language() or "es")[:2]
    same_year = day.year == (today or timezone.localdate()).year
    if language == "en":
        pattern = "d MMMM" if same_year else "d MMMM y"
        return format_date(day, pattern, locale="en_GB")
    pattern = "d 'de' MMMM" if same_year else "d 'de' MMMM 'de' y"
    return format_date(day, pattern, locale="es_ES")


def _exclusion_sentence(code: str) -> str:
    return {
        CategoryRule.Exclusion.HYGIENE: _(
            "It cannot be returned: it is sealed for health or hygiene reasons and those goods are excluded."
        ),
        CategoryRule.Exclusion.CUSTOM: _(
            "It cannot be returned: it was made to measure or personalised for you."
        ),
        CategoryRule.Exclusion.PERISHABLE: _("It cannot be returned: it is perishable."),
        CategoryRule.Exclusion.DIGITAL: _(
            "It cannot be returned: the digital content has already been supplied."
        ),
    }.get(code, _("It cannot be returned: this kind of product is excluded from returns."))


def returned_quantities(order) -> dict[int, int]:
    """Units of each order line already in a return that was not rejected."""
    rows = (
        ReturnLine.objects.filter(order_line__order=order)
        .exclude(request__status=ReturnStatus.REJECTED)
        .order_by()
        .values("order_line_id")
        .annotate(q=Sum("quantity"))
    )
    return {row["order_line_id"]: row["q"] for row in rows}


def order_eligibility(
    order, *, policy: ReturnPolicy | None = None, now: dt.datetime | None = None, exclude_request=None
) -> list[LineEligibility]:
    """Each line of `order` with how many units can still be returned and a sentence saying why.

    `exclude_request`: leave that return's own lines out of "already returned" (re-checking it).
    """
    from postventa.orders.selectors import delivered_at

    now = now or timezone.now()
    policy = policy or active_policy()
    zone = customer_zone(order.customer)
    today = now.astimezone(zone).date()
    delivered = delivered_at(order)
    rules = {}
    if policy.pk:
        rules = {rule.category_id: rule for rule in CategoryRule.objects.filter(policy=policy).order_by()}
    returned = returned_quantities(order)
    if exclude_request is not None:
        for rl in exclude_request.lines.all():
            returned[rl.order_line_id] = returned.get(rl.order_line_id, 0) - rl.quantity
    lines = list(
        order.lines.select_related("product").only(
            "id", "order_id", "sku", "description", "quantity", "unit_price", "product__id", "product__category_id"
        )
    )
    out: list[LineEligibility] = []
    for line in lines:
        already = max(returned.get(line.pk, 0), 0)
        left = max(line.quantity - already, 0)
        category_id = line.product.category_id if line.product_id and line.product else None
        rule = rules.get(category_id)
        base = {"line": line, "bought": line.quantity, "already_returned": already}
        condition = rule.condition if rule else ""
        if rule and rule.exclusion:
            out.append(
                LineEligibility(
                    **base, returnable_quantity=0, eligible=False, code="excluded",
                    sentence=_exclusion_sentence(rule.exclusion),
                )
            )  # fmt: skip
            continue
        if delivered is None:
            out.append(
                LineEligibility(
                    **base, returnable_quantity=0, eligible=False, code="not_delivered",
                    sentence=_("It has not been delivered yet: you can return it once it arrives."),
                )
            )  # fmt: skip
            continue
        delivered_day = delivered.astimezone(zone).date()
        withdrawal_end = delivered_day + dt.timedelta(days=policy.withdrawal_days)
        own_days = rule.window_days if rule and rule.window_days else policy.business_window_days
        own_days = max(own_days, policy.withdrawal_days)
        own_end = delivered_day + dt.timedelta(days=own_days)
        if left == 0:
            out.append(
                LineEligibility(
                    **base, returnable_quantity=0, eligible=False, code="already_returned",
                    sentence=_("All units of this item are already in a return."),
                    window_ends_on=own_end,
                )
            )  # fmt: skip
            continue
        if today <= withdrawal_end:
            sentence = _(
                "You can return it until %(day)s: it is within the %(days)s-day right of withdrawal."
            ) % {"day": format_day(withdrawal_end, today=today), "days": policy.withdrawal_days}
            item = LineEligibility(
                **base, returnable_quantity=left, eligible=True, code="withdrawal", sentence=sentence,
                window_ends_on=max(own_end, withdrawal_end), within_withdrawal=True,
            )  # fmt: skip
        elif today <= own_end:
            sentence = _("You can return it until %(day)s: our own %(days)s-day return policy covers it.") % {
                "day": format_day(own_end, today=today),
                "days": own_days,
            }
            item = LineEligibility(
                **base, returnable_quantity=left, eligible=True, code="business_window", sentence=sentence,
                window_ends_on=own_end,
            )  # fmt: skip
        else:
            sentence = _(
                "The return period ended on %(day)s (%(days)s days from delivery on %(delivered)s)."
            ) % {
                "day": format_day(own_end, today=today),
                "days": own_days,
                "delivered": format_day(delivered_day, today=today),
            }
            item = LineEligibility(
                **base, returnable_quantity=0, eligible=False, code="window_over", sentence=sentence,
                window_ends_on=own_end,
            )  # fmt: skip
        if item.eligible and condition:
            item.condition = condition
            item.sentence = f"{item.sentence} {_('Condition:')} {condition}"
        if item.eligible and already:
            item.sentence = "{} {}".format(
                item.sentence,
                _("%(left)s of %(bought)s units left to return.") % {"left": left, "bought": line.quantity},
            )
        out.append(item)
    return out
