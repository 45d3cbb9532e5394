"""The audit log page: filters, keyset pagination, old -> new values."""

from __future__ import annotations

import json

from django.utils.dateparse import parse_date

from postventa.accounts import selectors
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.pagination import keyset_page

PAGE_SIZE = 50


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False) if value else "—"
    return str(value)


def readable_changes(changes) -> list[dict]:
    """{field: [old, new]} as rows; anything else is shown as plain values."""
    rows = []
    if not isinstance(changes, dict):
        return [{"field": "", "old": "", "new": _show(changes), "pair": False}]
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append({"field": field, "old": _show(value[0]), "new": _show(value[1]), "pair": True})
        else:
            rows.append({"field": field, "old": "", "new": _show(value), "pair": False})
    return rows


@staff_required("audit.view")
def audit_log(request):
    get = request.GET
    filters = {
        "actor": get.get("actor", "").strip()[:200],
        "action": get.get("action", "").strip()[:80],
        "target_type": get.get("target_type", "").strip()[:80],
        "date_from": parse_date(get.get("date_from", "") or "") if _is_date(get.get("date_from")) else None,
        "date_to": parse_date(get.get("date_to", "") or "") if _is_date(get.get("date_to")) else None,
    }
    qs = selectors.audit_entries(**filters)
    # Keyed on id (rows are append-only, so id order is time order): a created_at cursor loses
    # rows because DjangoJSONEncoder cuts the cursor's timestamp to milliseconds.
    try:
        page = keyset_page(qs, cursor=get.get("cursor") or None, page_size=PAGE_SIZE, order_field="id")
    except ApplicationError as exc:
        flash_error(request, exc)
        page = keyset_page(qs, cursor=None, page_size=PAGE_SIZE, order_field="id")
    entries = [{"entry": e, "changes": readable_changes(e.changes)} for e in page.items]
    context = {
        "nav": "settings",
        "entries": entries,
        "next_cursor": page.next_cursor,
        "filters": {k: (v or "") for k, v in filters.items()},
        "choices": selectors.audit_filter_choices(),
        "is_first_page": not get.get("cursor"),
    }
    return render_page(
        request, "console/settings/audit.html", context, partial="console/settings/_audit_rows.html"
    )


def _is_date(raw) -> bool:
    try:
        return bool(raw) and parse_date(raw) is not None
    except ValueError:
        return False
