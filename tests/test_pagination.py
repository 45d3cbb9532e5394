"""Keyset pagination walks every row exactly once, even rows created in the same millisecond."""

import datetime as dt

import pytest
from django.utils import timezone

from postventa.core.errors import ValidationFailed
from postventa.core.models import AuditEntry
from postventa.core.pagination import keyset_page


@pytest.mark.django_db
def test_pages_by_datetime_never_skip_rows_sharing_a_millisecond():
    base = timezone.now().replace(microsecond=123000)
    for i in range(30):
        # Three rows per millisecond, differing only in microseconds.
        AuditEntry.objects.create(action="x", created_at=base + dt.timedelta(microseconds=(i // 3) * 1000 + i % 3))

    seen, cursor = [], None
    while True:
        page = keyset_page(AuditEntry.objects.all(), cursor=cursor, page_size=4, order_field="created_at")
        seen += [row.pk for row in page.items]
        cursor = page.next_cursor
        if not cursor:
            break

    assert sorted(seen) == sorted(AuditEntry.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 30


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["not-base64!", "W10", "WyJ4IiwgInkiXQ"])
def test_a_tampered_cursor_is_a_clear_error(cursor):
    with pytest.raises(ValidationFailed) as caught:
        keyset_page(AuditEntry.objects.all(), cursor=cursor, page_size=10, order_field="created_at")
    assert caught.value.code == "bad_cursor"


@pytest.mark.django_db
def test_page_size_is_bounded():
    with pytest.raises(ValidationFailed):
        keyset_page(AuditEntry.objects.all(), cursor=None, page_size=10_000)
