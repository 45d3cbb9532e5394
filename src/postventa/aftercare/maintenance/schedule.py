"""The reminder scheduler: set-based, so a million assets take seconds, not hours.

For every asset of a product with maintenance it writes the NEXT reminder of each kind:
the service visit (every `interval` months from delivery or the last completed visit), each
consumable (every `period` months from the same anchor) and each known failure point (once,
`after_months` after delivery). Dates are "day" facts in the customer's time zone: delivery is
orders.selectors.delivered_at(order) seen in Customer.time_zone, else Asset.purchased_on.

Assets are read in id-ordered chunks as plain tuples and the rows go in with one multi-row
INSERT ... ON CONFLICT DO NOTHING per chunk: the unique key (asset, kind, item, due date) makes
a re-run insert nothing, so the daily job, a plan change and a completed visit can all call it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from postventa.aftercare.maintenance.models import (
    MaintenancePlan,
    MaintenanceReminder,
    ReminderKind,
    ReminderStatus,
    ServiceVisit,
)

CHUNK = 20_000
SEND_HOUR = dt.time(10, 0)  # reminders leave at 10:00 in the customer's zone on their send day
DEFAULT_ZONE = "Europe/Madrid"
PENDING = (ReminderStatus.SCHEDULED, ReminderStatus.HELD)


_ADD_CACHE: dict[tuple[dt.date, int], dt.date] = {}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months; the 31st or 29 February fall back to the month's last day."""
    key = (day, months)
    hit = _ADD_CACHE.get(key)
    if hit is not None:
        return hit
    if len(_ADD_CACHE) > 200_000:
        _ADD_CACHE.clear()
    _ADD_CACHE[key] = result = _add_months(day, months)
    return result


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_occurrence(anchor: dt.date, every: int, today: dt.date) -> dt.date:
    """The first date anchor + k*every months (k >= 1) that is not before `today`.

    Each occurrence is computed from the anchor (not chained), so 29 February comes back in leap years.
    """
    key = (anchor, every, today)
    hit = _NEXT_CACHE.get(key)
    if hit is None:
        if len(_NEXT_CACHE) > 200_000:
            _NEXT_CACHE.clear()
        hit = _NEXT_CACHE[key] = _next_occurrence(anchor, every, today)
    return hit


_NEXT_CACHE: dict[tuple[dt.date, int, dt.date], dt.date] = {}


def _next_occurrence(anchor: dt.date, every: int, today: dt.date) -> dt.date:
    elapsed = (today.year - anchor.year) * 12 + today.month - anchor.month
    k = max(1, elapsed // every)
    due = add_months(anchor, k * every)
    while k > 1 and add_months(anchor, (k - 1) * every) >= today:
        k -= 1
        due = add_months(anchor, k * every)
    while due < today:
        k += 1
        due = add_months(anchor, k * every)
    return due


@dataclass
class PlanSpec:
    product_id: int
    interval: int | None
    lead_days: int
    consumables: list[tuple[int, int]] = field(default_factory=list)  # (id, period_months)
    failure_points: list[tuple[int, int]] = field(default_factory=list)  # (id, after_months)


def plan_specs(product_ids: list[int] | None = None) -> dict[int, PlanSpec]:
    """Effective plans by product id: a plan row, or the product's default interval alone."""
    from postventa.catalog.models import Product

    specs: dict[int, PlanSpec] = {}
    plans = MaintenancePlan.objects.select_related("product").prefetch_related(
        "consumables", "failure_points"
    )
    products = Product.objects.filter(
        maintenance_interval_months__isnull=False, maintenance_plan__isnull=True
    )
    if product_ids is not None:
        plans = plans.filter(product_id__in=product_ids)
        products = products.filter(pk__in=product_ids)
    for plan in plans:
        if not plan.is_active:
            continue
        specs[plan.product_id] = PlanSpec(
            plan.product_id,
            plan.effective_interval,
            plan.lead_days,
            [(c.pk, c.period_months) for c in plan.consumables.all() if c.period_months],
            [(f.pk, f.after_months) for f in plan.failure_points.all()],
        )
    for pk, interval in products.values_list("pk", "maintenance_interval_months"):
        if interval:
            specs[pk] = PlanSpec(pk, interval, 14)
    return {pk: s for pk, s in specs.items() if s.interval or s.consumables or s.failure_points}


class _Zones:
    """ZoneInfo objects, local "today" and send times, each computed once per zone or day."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.zones: dict[str, dt.tzinfo] = {}
        self.today: dict[str, dt.date] = {}
        self.send: dict[tuple[dt.date, str], dt.datetime] = {}

    def zone(self, name: str) -> dt.tzinfo:
        tz = self.zones.get(name)
        if tz is None:
            try:
                tz = zoneinfo.ZoneInfo(name or DEFAULT_ZONE)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                tz = zoneinfo.ZoneInfo(DEFAULT_ZONE)
            self.zones[name] = tz
            self.today[name] = self.now.astimezone(tz).date()
        return tz

    def send_at(self, day: dt.date, name: str) -> dt.datetime:
        key = (day, name)
        value = self.send.get(key)
        if value is None:
            value = dt.datetime.combine(day, SEND_HOUR, tzinfo=self.zone(name)).astimezone(dt.UTC)
            self.send[key] = value
        return value


def base_day(zones: _Zones, tz_name: str, purchased_on, order_status, status_changed_at, updated_at):
    """The day the customer got the asset, in their zone: delivery of its order, else the purchase date."""
    from postventa.orders.selectors import delivered_at

    if order_status is not None:
        when = delivered_at(
            SimpleNamespace(status=order_status, status_changed_at=status_changed_at, updated_at=updated_at)
        )
        if when is not None:
            if timezone.is_naive(when):
                when = timezone.make_aware(when, dt.UTC)
            return when.astimezone(zones.zone(tz_name)).date()
    return purchased_on


def rows_for_asset(spec: PlanSpec, zones: _Zones, *, asset_id, customer_id, tz_name, base, last_visit):
    """(asset, customer, product, kind, item, due_on, send_after) tuples for one asset."""
    zones.zone(tz_name)
    today = zones.today[tz_name]
    anchor = max(base, last_visit) if last_visit else base
    out = []
    lead = dt.timedelta(days=spec.lead_days)

    def add(kind: str, item: int, due: dt.date) -> None:
        send_day = max(due - lead, min(today, due))
        out.append(
            (asset_id, customer_id, spec.product_id, kind, item, due, zones.send_at(send_day, tz_name))
        )

    if spec.interval:
        add(ReminderKind.SERVICE, 0, next_occurrence(anchor, spec.interval, today))
    for item, period in spec.consumables:
        add(ReminderKind.CONSUMABLE, item, next_occurrence(anchor, period, today))
    for item, months in spec.failure_points:
        due = add_months(base, months)
        if due >= today:
            add(ReminderKind.FAILURE_POINT, item, due)
    return out


def _insert_ignore(rows: list[tuple], created: dt.datetime) -> int:
    """Multi-row INSERT ... ON CONFLICT DO NOTHING (SQLite >= 3.24 and PostgreSQL)."""
    if not rows:
        return 0
    ops = connection.ops
    table = ops.quote_name(MaintenanceReminder._meta.db_table)
    cols = ["asset_id", "customer_id", "product_id", "kind", "item_id", "due_on", "send_after", "status",
            "attempts", "sent_at", "notification_id", "last_error", "created_at"]  # fmt: skip
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING".format(  # noqa: S608 - fixed names
        table, ", ".join(ops.quote_name(c) for c in cols), ", ".join(["%s"] * len(cols))
    )
    day_cache: dict[dt.date, object] = {}
    time_cache: dict[dt.datetime, object] = {}

    def day(v):
        r = day_cache.get(v)
        if r is None:
            r = day_cache[v] = ops.adapt_datefield_value(v)
        return r

    def moment(v):
        r = time_cache.get(v)
        if r is None:
            r = time_cache[v] = ops.adapt_datetimefield_value(v)
        return r

    stamp = ops.adapt_datetimefield_value(created)
    params = [
        (a, c, p, k, i, day(d), moment(s), ReminderStatus.SCHEDULED.value, 0, None, None, "", stamp)
        for a, c, p, k, i, d, s in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        # Both drivers sum the rows each statement wrote; a conflict writes none.
        written = cursor.rowcount
    return max(int(written or 0), 0)


def _asset_sql(product_ids: list[int], asset_ids: list[int] | None) -> tuple[str, list]:
    """One chunk of assets as plain tuples: a raw SELECT, because the ORM's per-value conversion
    (dates parsed one by one) costs more than all the date arithmetic at a million rows."""
    from postventa.catalog.models import Asset
    from postventa.customers.models import Customer
    from postventa.orders.models import Order, OrderLine

    q = connection.ops.quote_name
    a, c, li, o = (q(m._meta.db_table) for m in (Asset, Customer, OrderLine, Order))
    # The id range comes first and the product test is written "+a.product_id" so the planner walks
    # the primary key: with the product index it would re-read every asset of the products per chunk.
    where = ["a.id >= %s", "a.id < %s", f"+a.product_id IN ({', '.join(['%s'] * len(product_ids))})"]
    params: list = list(product_ids)
    if asset_ids is not None:
        where.append(f"a.id IN ({', '.join(['%s'] * len(asset_ids))})")
        params = params + list(asset_ids)
    sql = (
        "SELECT a.id, a.customer_id, a.product_id, a.purchased_on, a.created_at, c.time_zone,"  # noqa: S608
        " o.status, o.status_changed_at, o.updated_at"
        f" FROM {a} a JOIN {c} c ON c.id = a.customer_id"
        f" LEFT JOIN {li} l ON l.id = a.order_line_id LEFT JOIN {o} o ON o.id = l.order_id"
        f" WHERE {' AND '.join(where)} ORDER BY a.id"
    )
    return sql, params


class _Parse:
    """SQLite hands dates and datetimes back as text: parse each distinct value once."""

    def __init__(self):
        self.days: dict = {}
        self.moments: dict = {}

    def day(self, value):
        if value is None or isinstance(value, dt.date):
            return value
        r = self.days.get(value)
        if r is None:
            r = self.days[value] = dt.date.fromisoformat(str(value)[:10])
        return r

    def moment(self, value):
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        r = self.moments.get(value)
        if r is None:
            parsed = dt.datetime.fromisoformat(str(value))
            r = self.moments[value] = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        return r


def schedule_reminders(
    *,
    now: dt.datetime | None = None,
    product_ids: list[int] | None = None,
    asset_ids: list[int] | None = None,
    chunk: int = CHUNK,
) -> dict[str, int]:
    """Write the next reminders of every asset with a maintenance plan. Idempotent.

    Returns {"assets": seen, "reminders": inserted}. Each chunk is its own transaction, so a big run
    never holds a write lock for long and an interrupted run resumes where the unique key says.
    """
    now = now or timezone.now()
    specs = plan_specs(product_ids)
    if not specs or asset_ids == []:
        return {"assets": 0, "reminders": 0}
    zones = _Zones(now)
    parse = _Parse()
    visits = dict(
        ServiceVisit.objects.filter(status=ServiceVisit.Status.COMPLETED, asset__product_id__in=list(specs))
        .filter(Q(asset_id__in=asset_ids) if asset_ids is not None else Q())
        .values("asset_id")
        .annotate(last=Max("completed_on"))
        .values_list("asset_id", "last")
    )
    from postventa.catalog.models import Asset

    sql, params = _asset_sql(sorted(specs), asset_ids)
    bounds = Asset.objects.filter(pk__in=asset_ids) if asset_ids is not None else Asset.objects.all()
    lo_hi = bounds.aggregate(lo=Min("pk"), hi=Max("pk"))
    if lo_hi["lo"] is None:
        return {"assets": 0, "reminders": 0}
    seen = inserted = 0
    for start in range(lo_hi["lo"], lo_hi["hi"] + 1, chunk):
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, start + chunk, *params])
            batch = cursor.fetchall()
        if not batch:
            continue
        rows: list[tuple] = []
        for aid, cid, pid, purchased, created, tz_name, status, changed, updated in batch:
            base = None
            if status is not None:
                base = base_day(zones, tz_name, None, status, parse.moment(changed), parse.moment(updated))
            if base is None:
                base = parse.day(purchased)
            if base is None:
                base = parse.moment(created).astimezone(zones.zone(tz_name)).date()
            rows.extend(
                rows_for_asset(specs[pid], zones, asset_id=aid, customer_id=cid, tz_name=tz_name,
                               base=base, last_visit=visits.get(aid))  # fmt: skip
            )
        with transaction.atomic():
            inserted += _insert_ignore(rows, now)
        seen += len(batch)
    return {"assets": seen, "reminders": inserted}


def clear_pending(*, product_id: int | None = None, asset_id: int | None = None, kinds=None) -> int:
    """Delete reminders not sent yet (scheduled or held) so the scheduler can write the new dates."""
    qs = MaintenanceReminder.objects.filter(status__in=PENDING)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if asset_id is not None:
        qs = qs.filter(asset_id=asset_id)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    # A booked visit keeps its history: its reminder link is cleared, not the visit.
    deleted, _ = qs.delete()
    return deleted
