"""Bulk import of orders: validate everything (orders.import_parsing), then upsert in chunks.

See orders.import_parsing for the CSV columns. Speed: no per-row queries. Customers, products and
existing orders are fetched by key per chunk; rows are written with bulk_create / bulk_update.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.bulk import fast_insert, values_in
from postventa.core.events import EVENT_TYPES, emit_many
from postventa.core.permissions import require
from postventa.orders.import_parsing import (  # noqa: F401  (re-exported for callers)
    CHUNK,
    COMPARED,
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    ImportResult,
    OrderSpec,
    parse_csv,
    specs_from_items,
)
from postventa.orders.models import Order, OrderLine, OrderStatusChange


def _check_numbers_against_db(specs: list[OrderSpec], result: ImportResult) -> list[OrderSpec]:
    """An order number already taken by an order with another external id is an error."""
    clash: set[str] = set()
    for start in range(0, len(specs), CHUNK):
        chunk = specs[start : start + CHUNK]
        wanted = {s.fields["number"]: s for s in chunk}
        for number, ext in values_in(Order, "number", wanted, ["number", "external_id"]):
            spec = wanted[number]
            if ext != spec.external_id:
                result.errors.append(
                    {
                        "row": spec.rows[0],
                        "message": _("order_number %(n)s already belongs to another order.") % {"n": number},
                    }
                )
                clash.add(spec.external_id)
    return [s for s in specs if s.external_id not in clash] if clash else specs


# --- Writing -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=20_000)
def _phone(raw: str) -> str:
    """E.164 through the CRM's normaliser, or "" when the number cannot be one."""
    if not raw:
        return ""
    try:
        from postventa.customers.normalise import try_normalise_phone
    except ImportError:  # pragma: no cover - older CRM
        return ""
    return try_normalise_phone(raw) or ""


def _customers_for(specs: list[OrderSpec], now: dt.datetime, events: list[dict[str, Any]]) -> dict[str, int]:
    from postventa.customers.models import Customer, CustomerEmail, CustomerPhone

    emails = {s.fields["email"] for s in specs}
    found = dict(values_in(CustomerEmail, "email", emails, ["email", "customer"]))
    missing = emails - found.keys()
    if missing:  # customers kept only in the denormalised column (no CustomerEmail row)
        for email, pk in Customer.objects.filter(email__in=missing, merged_into__isnull=True).values_list(
            "email", "pk"
        ):
            found.setdefault(email, pk)
    to_create: dict[str, Customer] = {}
    for spec in specs:
        f = spec.fields
        if f["email"] in found or f["email"] in to_create:
            continue
        # Created here in bulk, not through customers.services.customer_create: one call per
        # customer would put queries back in the per-row path. The rows are the same ones.
        to_create[f["email"]] = Customer(
            first_name=f["first_name"],
            last_name=f["last_name"],
            email=f["email"],
            phone=_phone(f["phone"]),
            language=f["language"],
            created_at=now,
        )
    if to_create:
        # A phone already on file belongs to someone else (numbers are unique): keep it off the new one.
        taken = {
            n
            for (n,) in values_in(
                CustomerPhone, "number", {c.phone for c in to_create.values()} - {""}, ["number"]
            )
        }
        for customer in to_create.values():
            if customer.phone in taken:
                customer.phone = ""
            elif customer.phone:
                taken.add(customer.phone)
                customer._new_phone = True
        Customer.objects.bulk_create(to_create.values())
        CustomerEmail.objects.bulk_create(
            [CustomerEmail(customer_id=c.pk, email=email, is_primary=True) for email, c in to_create.items()]
        )
        CustomerPhone.objects.bulk_create(
            [
                CustomerPhone(customer_id=c.pk, number=c.phone, is_primary=True)
                for c in to_create.values()
                if getattr(c, "_new_phone", False)
            ]
        )
        for email, customer in to_create.items():
            found[email] = customer.pk
            if "customer.created" in EVENT_TYPES:
                events.append(
                    dict(
                        type="customer.created",
                        customer_id=customer.pk,
                        payload={
                            "customer_id": customer.pk,
                            "display_name": customer.display_name,
                            "source": "import",
                        },
                    )
                )
    return found


def _line_rows(spec: OrderSpec, products: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "position": i,
            "sku": line["sku"],
            "product_id": products.get(line["sku"]),
            "description": line["description"],
            "quantity": line["quantity"],
            "unit_price": line["unit_price"],
            "line_total": line["unit_price"] * line["quantity"],
        }
        for i, line in enumerate(spec.lines, start=1)
    ]


def _order_values(
    spec: OrderSpec, customer_id: int, lines: list[dict[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    f = spec.fields
    subtotal = sum((line["line_total"] for line in lines), Decimal("0.00"))
    return {
        "number": f["number"],
        "customer_id": customer_id,
        "status": f["status"],
        "placed_at": f["placed_at"] or now,
        "currency": f["currency"],
        "subtotal": subtotal,
        "shipping_total": f["shipping_total"],
        "tax_total": f["tax_total"],
        "total": subtotal + f["shipping_total"] + f["tax_total"],
        "ship_name": f["ship_name"],
        "ship_line1": f["ship_line1"],
        "ship_postcode": f["ship_postcode"],
        "ship_city": f["ship_city"],
        "ship_country": f["ship_country"],
    }


def _same_lines(existing: list[OrderLine], wanted: list[dict[str, Any]]) -> bool:
    key = lambda d: (d["sku"], d["description"], d["quantity"], Decimal(d["unit_price"]))  # noqa: E731
    have = [(x.sku, x.description, x.quantity, Decimal(x.unit_price)) for x in existing]
    return have == [key(w) for w in wanted]


def _write_chunk(specs: list[OrderSpec], result: ImportResult, source: str) -> None:
    from postventa.catalog.models import Product
    from postventa.customers.models import TimelineEntry

    now = timezone.now()
    events: list[dict[str, Any]] = []
    customers = _customers_for(specs, now, events)
    skus = {line["sku"] for s in specs for line in s.lines} - {""}
    products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk")) if skus else {}
    known_ids = [pk for (pk,) in values_in(Order, "external_id", [s.external_id for s in specs], ["id"])]
    existing = (
        {o.external_id: o for o in Order.objects.filter(pk__in=known_ids).prefetch_related("lines")}
        if known_ids
        else {}
    )
    new_orders: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    changed: list[tuple[Order, list[dict[str, Any]] | None, str | None]] = []
    for spec in specs:
        lines = _line_rows(spec, products)
        values = _order_values(spec, customers[spec.fields["email"]], lines, now)
        order = existing.get(spec.external_id)
        if order is None:
            new_orders.append(({"external_id": spec.external_id, **values}, lines))
            continue
        if spec.fields["placed_at"] is None:
            values["placed_at"] = order.placed_at
        old_status = order.status
        dirty = [k for k in (*COMPARED, "customer_id", "subtotal", "total") if getattr(order, k) != values[k]]
        lines_changed = not _same_lines(list(order.lines.all()), lines)
        if not dirty and not lines_changed:
            result.unchanged += 1
            continue
        for k in dirty:
            setattr(order, k, values[k])
        order.updated_at = now
        if "status" in dirty:
            order.status_changed_at = now
        changed.append((order, lines if lines_changed else None, old_status if "status" in dirty else None))

    if new_orders:
        fast_insert(
            Order,
            [
                {**o, "created_at": now, "updated_at": now, "status_changed_at": now}
                for o, _lines in new_orders
            ],
        )
        ids = dict(
            values_in(Order, "external_id", [o["external_id"] for o, _l in new_orders], ["external_id", "id"])
        )
        for o, _lines in new_orders:
            o["id"] = ids[o["external_id"]]
        fast_insert(OrderLine, [{**line, "order_id": o["id"]} for o, lines in new_orders for line in lines])
        fast_insert(
            OrderStatusChange,
            [
                {
                    "order_id": o["id"],
                    "from_status": "",
                    "to_status": o["status"],
                    "source": source,
                    "occurred_at": now,
                }
                for o, _lines in new_orders
            ],
        )
        fast_insert(
            TimelineEntry,
            [
                {
                    "customer_id": o["customer_id"],
                    "kind": "order.created",
                    "summary": o["number"],
                    "occurred_at": o["placed_at"],
                    "data": {"number": o["number"], "total": str(o["total"]), "currency": o["currency"]},
                    "source_type": "order",
                    "source_id": str(o["id"]),
                }
                for o, _lines in new_orders
            ],
        )
        events += [
            {
                "type": "order.created",
                "customer_id": o["customer_id"],
                "payload": {
                    "order_id": o["id"],
                    "number": o["number"],
                    "status": o["status"],
                    "total": str(o["total"]),
                    "currency": o["currency"],
                    "customer_id": o["customer_id"],
                    "source": source,
                },
            }
            for o, _lines in new_orders
        ]
        result.created += len(new_orders)
    if changed:
        fields = [*COMPARED, "customer_id", "subtotal", "total", "updated_at", "status_changed_at"]
        Order.objects.bulk_update([o for o, _l, _s in changed], fields)
        relined = [(o, lines) for o, lines, _s in changed if lines is not None]
        if relined:
            OrderLine.objects.filter(order_id__in=[o.pk for o, _l in relined]).delete()
            OrderLine.objects.bulk_create(
                [OrderLine(order_id=o.pk, **line) for o, lines in relined for line in lines]
            )
        moved = [(o, old) for o, _l, old in changed if old is not None]
        OrderStatusChange.objects.bulk_create(
            [
                OrderStatusChange(
                    order_id=o.pk, from_status=old, to_status=o.status, source=source, occurred_at=now
                )
                for o, old in moved
            ]
        )
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    customer_id=o.customer_id,
                    kind="order.status_changed",
                    occurred_at=now,
                    summary=f"{o.number}: {old} -> {o.status}",
                    source_type="order",
                    source_id=str(o.pk),
                    data={"number": o.number, "from": old, "to": o.status},
                )
                for o, old in moved
            ]
        )
        events += [
            dict(
                type="order.status_changed",
                customer_id=o.customer_id,
                payload={
                    "order_id": o.pk,
                    "number": o.number,
                    "from": old,
                    "to": o.status,
                    "customer_id": o.customer_id,
                    "source": source,
                    "note": "",
                },
            )
            for o, old in moved
        ]
        events += [
            dict(
                type="order.updated",
                customer_id=o.customer_id,
                payload={
                    "order_id": o.pk,
                    "number": o.number,
                    "customer_id": o.customer_id,
                    "source": source,
                },
            )
            for o, _l, _s in changed
        ]
        result.updated += len(changed)
    if events:
        emit_many(events)


def import_specs(
    specs: list[OrderSpec],
    result: ImportResult,
    *,
    acting_user=None,
    skip_invalid: bool = False,
    source: str = OrderStatusChange.Source.IMPORT,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write the specs unless there were errors (or skip_invalid). Each chunk is one transaction."""
    # Imports allocate many short-lived dicts; the cyclic GC's full passes over them cost a third
    # of the run and find nothing to free (no cycles are made here).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _import_specs(
            specs,
            result,
            acting_user=acting_user,
            skip_invalid=skip_invalid,
            source=source,
            progress=progress,
        )
    finally:
        if gc_was_enabled:
            gc.enable()


def _import_specs(specs, result, *, acting_user, skip_invalid, source, progress) -> ImportResult:
    if acting_user is not None:
        require(acting_user, "orders.import")
    specs = _check_numbers_against_db(specs, result)
    result.errors.sort(key=lambda e: e["row"])
    if result.errors and not skip_invalid:
        return result
    kept_rows = sum(len(set(s.rows)) for s in specs)
    result.skipped_rows = result.total_rows - kept_rows if result.errors else 0
    result.orders = len(specs)
    done_rows = 0
    for start in range(0, len(specs), CHUNK):
        chunk = specs[start : start + CHUNK]
        with transaction.atomic():
            _write_chunk(chunk, result, source)
        done_rows += sum(len(set(s.rows)) for s in chunk)
        if progress:
            progress(done_rows)
    result.written = True
    if acting_user is not None:
        audit.record(
            actor=acting_user,
            action="orders.imported",
            target_type="orders.order",
            target_repr=_("Order import"),
            changes={"created": [None, result.created], "updated": [None, result.updated]},
        )
    return result


def import_csv(
    data: bytes | str,
    *,
    acting_user=None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    on_parsed: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Parse and import a CSV. A broken file raises ValueError with a sentence for the user."""
    if acting_user is not None:
        require(acting_user, "orders.import")
    result = ImportResult()
    specs = parse_csv(data, result)
    if on_parsed:
        on_parsed(result)
    return import_specs(specs, result, acting_user=acting_user, skip_invalid=skip_invalid, progress=progress)


def import_items(
    items: list[dict[str, Any]],
    *,
    acting_user=None,
    skip_invalid: bool = False,
    source: str = OrderStatusChange.Source.API,
) -> ImportResult:
    """The JSON import: the same columns as the CSV, with `lines` as a list per order."""
    if acting_user is not None:
        require(acting_user, "orders.import")
    result = ImportResult()
    specs = specs_from_items(items, result)
    return import_specs(specs, result, acting_user=acting_user, skip_invalid=skip_invalid, source=source)
