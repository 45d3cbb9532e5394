"""Demo returns: returns in several statuses, a refund and store credit, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.returns.models import Refund, ReturnRequest, StoreCreditEntry
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_returns import load
from postventa.notifications.models import Notification


@pytest.mark.django_db
def test_demo_returns_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    statuses = set(ReturnRequest.objects.values_list("status", flat=True))
    assert {"approved", "refunded", "credited", "rejected"} <= statuses, statuses
    assert Refund.objects.filter(source_type="return").count() == 2
    assert StoreCreditEntry.objects.count() == 2
    assert not OutboxEvent.objects.filter(
        status=OutboxEvent.Status.PENDING, type__startswith="return."
    ).exists()
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, type="refund.created").exists()
    assert not Notification.objects.filter(template="return_status").exists()
    assert smtp_server.messages == []
    count = ReturnRequest.objects.count()
    assert load(now=timezone.now(), seed=7) == 0
    assert ReturnRequest.objects.count() == count
