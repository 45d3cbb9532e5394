"""Parsing and validating order imports (CSV file or JSON list) into OrderSpecs. No writes.

CSV: UTF-8 (a BOM is fine), comma or semicolon separated, header row first, one row per order
line; rows with the same order_external_id form one order. Columns (see CSV_COLUMNS):

    order_external_id*  order_number*  customer_email*  customer_name  customer_phone
    customer_language (es|en)  placed_at (ISO 8601 date or datetime)  status (pipeline code)
    currency (EUR)  sku  description  quantity*  unit_price*  shipping_total  tax_total
    ship_name  ship_line1  ship_postcode  ship_city  ship_country

Rows are numbered as a spreadsheet shows them (header = row 1). Upsert is idempotent by
external id: re-importing the same file changes nothing; a changed row updates its order. Status
from the shop is taken as the truth (no pipeline check), but a change is still recorded in the
history and emitted, so the customer hears about it.

Speed: no per-row queries. Customers, products and existing orders are fetched by key per chunk;
rows are written with bulk_create / bulk_update.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from postventa.core.money import to_money
from postventa.orders import pipeline

CSV_COLUMNS = (
    "order_external_id",
    "order_number",
    "customer_email",
    "customer_name",
    "customer_phone",
    "customer_language",
    "placed_at",
    "status",
    "currency",
    "sku",
    "description",
    "quantity",
    "unit_price",
    "shipping_total",
    "tax_total",
    "ship_name",
    "ship_line1",
    "ship_postcode",
    "ship_city",
    "ship_country",
)
REQUIRED_COLUMNS = ("order_external_id", "order_number", "customer_email", "quantity", "unit_price")
ORDER_FIELDS = (
    "number",
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "placed_at",
    "status",
    "currency",
    "shipping_total",
    "tax_total",
    "ship_name",
    "ship_line1",
    "ship_postcode",
    "ship_city",
    "ship_country",
)
# Fields compared to decide whether a re-imported order changed.
COMPARED = (
    "number",
    "status",
    "placed_at",
    "currency",
    "shipping_total",
    "tax_total",
    "ship_name",
    "ship_line1",
    "ship_postcode",
    "ship_city",
    "ship_country",
)
CHUNK = 2500
MAX_AMOUNT = Decimal("999999999.99")  # per line and per order total, well inside the 14-digit column
MAX_ROWS = 1_000_000


@dataclass
class OrderSpec:
    """One order to upsert, normalised; `rows` are the source row numbers (for error messages)."""

    external_id: str
    fields: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass
class ImportResult:
    total_rows: int = 0
    orders: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _RowProblem(Exception):
    pass


# Rows of one file repeat the same emails, dates and prices: parse each distinct value once.
@functools.lru_cache(maxsize=20_000)
def _amount(value: str) -> Decimal | None:
    try:
        return to_money(value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=20_000)
def _email_ok(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


@functools.lru_cache(maxsize=20_000)
def _parse_when(value: str, zone: str) -> dt.datetime | None:
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            parsed = dt.datetime.combine(day, dt.time())
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _money(value: str, name: str, *, default: str | None = None) -> Decimal:
    value = (value or "").strip()
    if not value:
        if default is None:
            raise _RowProblem(_("%(column)s is empty.") % {"column": name})
        value = default
    amount = _amount(value)
    if amount is None:
        raise _RowProblem(
            _("%(column)s “%(value)s” is not an amount.") % {"column": name, "value": value[:40]}
        )
    if amount < 0:
        raise _RowProblem(_("%(column)s cannot be negative.") % {"column": name})
    if amount > MAX_AMOUNT:
        raise _RowProblem(_("%(column)s is too large.") % {"column": name})
    return amount


def _when(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = _parse_when(value, timezone.get_current_timezone_name())
    if parsed is None:
        raise _RowProblem(
            _("placed_at “%(value)s” is not a date (use 2026-11-25 or 2026-11-25T10:30).")
            % {"value": value[:40]}
        )
    return parsed


def _split_name(name: str) -> tuple[str, str]:
    first, _sep, last = (name or "").strip().partition(" ")
    return first[:120], last.strip()[:160]


def normalise_row(raw: dict[str, str]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(external id, order fields, line) from one CSV row or API item; raises _RowProblem."""
    g = lambda k: (raw.get(k) or "").strip()  # noqa: E731
    external_id = g("order_external_id")
    if not external_id:
        raise _RowProblem(_("order_external_id is empty."))
    if len(external_id) > 120:
        raise _RowProblem(_("order_external_id is longer than 120 characters."))
    number = g("order_number")
    if not number or len(number) > 40:
        raise _RowProblem(_("order_number is empty or longer than 40 characters."))
    email = g("customer_email").lower()
    if not _email_ok(email):
        raise _RowProblem(
            _("customer_email “%(value)s” is not a valid email address.") % {"value": email[:80]}
        )
    language = (g("customer_language") or "es").lower()[:2]
    if language not in {"es", "en"}:
        raise _RowProblem(_("customer_language must be es or en."))
    status = g("status") or pipeline.INITIAL
    if status not in pipeline.STATUSES:
        raise _RowProblem(
            _("status “%(value)s” is not one of: %(choices)s.")
            % {"value": status[:40], "choices": ", ".join(pipeline.STATUSES)}
        )
    currency = (g("currency") or "EUR").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise _RowProblem(_("currency must be a three-letter code such as EUR."))
    try:
        quantity = int(g("quantity"))
    except ValueError:
        raise _RowProblem(_("quantity “%(value)s” is not a whole number.") % {"value": g("quantity")[:20]})
    if quantity < 1 or quantity > 1_000_000:
        raise _RowProblem(_("quantity must be at least 1."))
    unit_price = _money(g("unit_price"), "unit_price")
    if unit_price * quantity > MAX_AMOUNT:
        raise _RowProblem(_("%(column)s is too large.") % {"column": "quantity"})
    sku, description = g("sku")[:64], g("description")[:300]
    if not sku and not description:
        raise _RowProblem(_("Give a sku or a description for the line."))
    first, last = _split_name(g("customer_name"))
    fields = {
        "number": number,
        "email": email,
        "first_name": first,
        "last_name": last,
        "phone": g("customer_phone")[:32],
        "language": language,
        "placed_at": _when(g("placed_at")),
        "status": status,
        "currency": currency,
        "shipping_total": _money(g("shipping_total"), "shipping_total", default="0"),
        "tax_total": _money(g("tax_total"), "tax_total", default="0"),
        "ship_name": g("ship_name")[:200],
        "ship_line1": g("ship_line1")[:200],
        "ship_postcode": g("ship_postcode")[:16],
        "ship_city": g("ship_city")[:120],
        "ship_country": (g("ship_country") or "ES").upper()[:2],
    }
    line = {"sku": sku, "description": description, "quantity": quantity, "unit_price": unit_price}
    return external_id, fields, line


def build_specs(rows: Iterable[tuple[int, dict[str, str]]], result: ImportResult) -> list[OrderSpec]:
    """Group rows into orders; problems go to result.errors with their row number."""
    specs: dict[str, OrderSpec] = {}
    bad_orders: set[str] = set()
    for number, raw in rows:
        result.total_rows += 1
        try:
            external_id, fields, line = normalise_row(raw)
        except _RowProblem as problem:
            result.errors.append({"row": number, "message": str(problem)})
            bad_orders.add((raw.get("order_external_id") or "").strip())
            continue
        spec = specs.get(external_id)
        if spec is None:
            specs[external_id] = OrderSpec(external_id, fields, [line], [number])
            continue
        for key in ("number", "email"):
            if spec.fields[key] != fields[key]:
                result.errors.append(
                    {
                        "row": number,
                        "message": _("%(column)s differs from earlier rows of order %(id)s.")
                        % {
                            "column": "order_number" if key == "number" else "customer_email",
                            "id": external_id,
                        },
                    }
                )
                bad_orders.add(external_id)
                break
        else:
            spec.lines.append(line)
            spec.rows.append(number)
    for spec in specs.values():
        total = sum((li["unit_price"] * li["quantity"] for li in spec.lines), Decimal("0"))
        if total + spec.fields["shipping_total"] + spec.fields["tax_total"] > Decimal("999999999999.99"):
            result.errors.append({"row": spec.rows[0], "message": _("The order total is out of range.")})
            bad_orders.add(spec.external_id)
    # An order number used by two different orders in the same file.
    seen_numbers: dict[str, str] = {}
    for spec in specs.values():
        other = seen_numbers.setdefault(spec.fields["number"], spec.external_id)
        if other != spec.external_id:
            result.errors.append(
                {
                    "row": spec.rows[0],
                    "message": _("order_number %(n)s is used by two orders.") % {"n": spec.fields["number"]},
                }
            )
            bad_orders.update({other, spec.external_id})
    return (
        [s for s in specs.values() if s.external_id not in bad_orders] if bad_orders else list(specs.values())
    )


def parse_csv(data: bytes | str, result: ImportResult) -> list[OrderSpec]:
    """Decode, check the header, and build specs; fatal file problems raise ValueError."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(
                _("The file is not UTF-8 text (bad byte at position %(pos)s). Save it as “CSV UTF-8”.")
                % {"pos": exc.start}
            )
    else:
        text = data.lstrip("\ufeff")
    if "\x00" in text:
        raise ValueError(_("The file contains NUL bytes: it is not a CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValueError(_("The file is empty."))
    except csv.Error as exc:
        raise ValueError(_("The file is not valid CSV: %(error)s") % {"error": exc})
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValueError(
            _("Missing columns: %(cols)s. The first row must name the columns.")
            % {"cols": ", ".join(missing)}
        )

    def rows():
        row_number = 1
        try:
            for values in reader:
                row_number += 1
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    result.errors.append(
                        {
                            "row": row_number,
                            "message": _("Expected %(n)s columns, found %(m)s.")
                            % {"n": len(header), "m": len(values)},
                        }
                    )
                    result.total_rows += 1
                    continue
                if row_number > MAX_ROWS:
                    raise ValueError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
                yield row_number, dict(zip(header, values, strict=True))
        except csv.Error as exc:
            raise ValueError(
                _("The file is not valid CSV near row %(row)s: %(error)s")
                % {"row": row_number + 1, "error": exc}
            )

    return build_specs(rows(), result)


def specs_from_items(items: list[dict[str, Any]], result: ImportResult) -> list[OrderSpec]:
    """The JSON API shape (one object per order with a `lines` list) as row dicts; item n = row n."""
    flat: list[tuple[int, dict[str, str]]] = []
    for index, item in enumerate(items, start=1):
        lines = item.get("lines") or [{}]
        for line in lines:
            row = {k: "" if v is None else str(v) for k, v in item.items() if k != "lines"}
            row.update({k: "" if v is None else str(v) for k, v in line.items()})
            flat.append((index, row))
    specs = build_specs(flat, result)
    result.total_rows = len(items)
    return specs
