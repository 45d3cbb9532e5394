"""Keyset pagination for the API and the console: constant time at any depth, unlike OFFSET.

Lists are ordered by (-<field>, -id); the cursor encodes the last row's position.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

MAX_PAGE_SIZE = 200


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    page_size: int


def _encode(values: list[Any]) -> str:
    # Full isoformat: DjangoJSONEncoder cuts datetimes to milliseconds, which would skip rows that
    # share a millisecond on the next page.
    values = [v.isoformat() if hasattr(v, "isoformat") else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(values, cls=DjangoJSONEncoder).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        return values
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationFailed(_("The page cursor is not valid; start again from the first page."), code="bad_cursor")


def keyset_page(qs: QuerySet, *, cursor: str | None, page_size: int, order_field: str = "id") -> Page:
    """Rows after `cursor`, newest first by `order_field` then id."""
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise ValidationFailed(
            _("page_size must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}, code="bad_page_size"
        )
    if order_field == "id":
        qs = qs.order_by("-id")
        if cursor:
            last_value, last_id = _decode(cursor)
            try:
                qs = qs.filter(id__lt=int(last_id))
            except (TypeError, ValueError):
                raise ValidationFailed(_("The page cursor is not valid; start again from the first page."), code="bad_cursor")
    else:
        qs = qs.order_by(f"-{order_field}", "-id")
        if cursor:
            last_value, last_id = _decode(cursor)
            parsed = parse_datetime(last_value) if isinstance(last_value, str) else last_value
            if parsed is None or not isinstance(last_id, int):
                raise ValidationFailed(_("The page cursor is not valid; start again from the first page."), code="bad_cursor")
            qs = qs.filter(Q(**{f"{order_field}__lt": parsed}) | Q(**{order_field: parsed, "id__lt": last_id}))
    rows = list(qs[: page_size + 1])
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = _encode([getattr(last, order_field), last.id])
    return Page(items=rows, next_cursor=next_cursor, page_size=page_size)
